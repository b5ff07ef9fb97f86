"""Draw the rnnbook diagrams as hand-written SVG, one light and one dark file each.

Run from anywhere::

    python docs/figures/make_figures.py            # write docs/_static/figures/*.svg
    python docs/figures/make_figures.py --check    # also verify size, fonts, contrast
    python docs/figures/make_figures.py --snippets # print the MyST blocks for chapters

Pure standard library, no network, deterministic: the same script always writes
byte-identical files. Each figure is drawn once onto a ``Canvas`` that records
colour *roles* (``fg``, ``hidden``, ``cell`` ...) as CSS classes; the light and
dark files differ only in the ``<style>`` block that maps roles to colours.

Labels use a tiny math markup (see ``parse_math``):

- ``_{..}`` is a subscript and ``^{..}`` a superscript;
- ``|`` splits a run of letters without printing anything;
- a backtick keeps the next run of letters upright: dW_ax is written
  "`d|W_{ax}" and da_next "`d|a_{`next}" (dz_a is "`d|z_{a}").

A lone Latin letter, and any letters in a sub- or superscript, are set in italic
(variables, ``W_{ax}``); longer words stay upright (``tanh``, ``softmax``).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "_static" / "figures"

# Okabe-Ito hues. Each role has a stroke colour and a text colour per mode; the
# text colour is darkened (light mode) or lightened (dark mode) where the pure
# Okabe-Ito value would fall below WCAG 4.5:1 against the page.
ROLES = {
    #            light stroke, light text, dark stroke, dark text
    "fg": ("#1a1a1a", "#1a1a1a", "#e3e3e3", "#e3e3e3"),
    "muted": ("#767676", "#666666", "#9aa0a6", "#a9aeb3"),
    "faint": ("#c4c4c4", "#767676", "#4d545c", "#7d848c"),
    "hidden": ("#0072b2", "#0072b2", "#56b4e9", "#56b4e9"),
    "input": ("#009e73", "#00795a", "#2ab58c", "#3cc79d"),
    "cell": ("#c98500", "#a35f00", "#e69f00", "#f0b032"),
    "output": ("#cc79a7", "#9c3f74", "#cc79a7", "#e29cc4"),
    "grad": ("#d55e00", "#b34700", "#f5813a", "#f79456"),
    "paper": ("#ffffff", "#ffffff", "#121212", "#121212"),  # sphinx-book-theme page colour
}
BACKGROUNDS = {"light": ("#ffffff",), "dark": ("#121212", "#14181e")}  # book theme, pydata
MATH_FONT = "serif"
TEXT_FONT = "sans-serif"


# ----------------------------------------------------------------------------
# math markup -> <tspan>s


def _read_group(s: str, i: int) -> tuple[str, int]:
    """Return the ``{...}`` group (or single character) starting at ``s[i]``."""
    if s[i] != "{":
        return s[i], i + 1
    depth, j = 1, i + 1
    while depth:
        depth += {"{": 1, "}": -1}.get(s[j], 0)
        j += 1
    return s[i + 1 : j - 1], j


def parse_math(s: str, level: tuple = ()) -> list[tuple[str, tuple]]:
    """Split markup into ``(text, level)`` pieces.

    ``level`` is the path of script steps from the baseline, e.g. ``("^", "_")``
    for the subscript inside a superscript (the ``x`` of ``a^{⟨T_{x}⟩}``).
    """
    pieces: list[tuple[str, tuple]] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch in "^_":
            group, i = _read_group(s, i + 1)
            pieces += parse_math(group, level + (ch,))
        else:
            pieces.append((ch, level))
            i += 1
    return pieces


def _tokens(pieces):
    """Group pieces into runs of letters / other characters, flagging italics."""
    runs: list[list] = []
    upright_next = False
    for ch, lv in pieces:
        if ch == "`":
            upright_next = True
            continue
        latin = ch.isalpha() and unicodedata.normalize("NFD", ch)[0].isascii()
        kind = "sep" if ch == "|" else ("L" if latin else "O")
        if unicodedata.combining(ch) and runs:
            runs[-1][0] += ch
            continue
        if kind == "L" and runs and runs[-1][1] == lv and runs[-1][2] in ("L", "U"):
            runs[-1][0] += ch  # an upright run stays upright to its end
        elif kind == "L" and upright_next:
            runs.append([ch, lv, "U"])
            upright_next = False
        elif kind != "sep":
            runs.append([ch, lv, kind])
        else:
            runs.append(["", lv, "sep"])
    out = []
    for text, lv, kind in runs:
        if kind == "sep":
            continue
        letters = unicodedata.normalize("NFD", text).rstrip("\u0303\u0302\u0304")
        italic = kind == "L" and (len(letters) == 1 or bool(lv))
        if out and out[-1][1:] == (lv, italic):
            out[-1] = (out[-1][0] + text, lv, italic)
        else:
            out.append((text, lv, italic))
    return out


def _script_metrics(level: tuple, size: float) -> tuple[float, float]:
    """Font size and upward baseline shift of text at script ``level``."""
    shift, cur = 0.0, size
    for step in level:
        shift += 0.40 * cur if step == "^" else -0.22 * cur
        cur *= 0.72
    return cur, shift


def math_tspans(markup: str, size: float) -> str:
    """SVG ``<tspan>`` sequence for ``markup`` at base font size ``size``."""
    parts, shift_now = [], 0.0
    for text, lv, italic in _tokens(parse_math(markup)):
        fsize, shift = _script_metrics(lv, size)
        attrs = []
        if shift != shift_now:
            attrs.append(f'dy="{fmt(shift_now - shift)}"')
            shift_now = shift
        if lv:
            attrs.append(f'font-size="{fmt(fsize)}"')
        if italic:
            attrs.append('font-style="italic"')
        parts.append(f"<tspan {' '.join(attrs)}>{escape(text)}</tspan>" if attrs else escape(text))
    return "".join(parts)


CHAR_EM = {**dict.fromkeys("ijlt.,;:|!'()[] ", 0.34), **dict.fromkeys("mwMW", 0.9),
           **dict.fromkeys("⟨⟩", 0.42), **dict.fromkeys("⊙⊗⊕Σ∂", 0.85)}


def text_width(markup: str, size: float) -> float:
    """Rough rendered width (DejaVu-like metrics, on the wide side on purpose)."""
    total = 0.0
    for text, lv, _ in _tokens(parse_math(markup)):
        em = _script_metrics(lv, size)[0]
        total += sum(CHAR_EM.get(c, 0.0 if unicodedata.combining(c) else 0.62) * em for c in text)
    return total


# ----------------------------------------------------------------------------
# drawing


def fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


class Canvas:
    """Collects SVG elements; colours are referenced by role class names."""

    def __init__(self, width: int, height: int, title: str, desc: str):
        self.w, self.h, self.title, self.desc = width, height, title, desc
        self.items: list[str] = []

    # -- primitives --------------------------------------------------------
    def path(self, pts, role="fg", width=2.0, dash=None, radius=8.0, head=True):
        """Polyline through ``pts`` with rounded corners and an arrowhead at the end."""
        pts = [tuple(map(float, p)) for p in pts]
        hl = 7.0 + 2.2 * width if head else 0.0
        (x1, y1), (x2, y2) = pts[-2], pts[-1]
        seg = math.hypot(x2 - x1, y2 - y1)
        ux, uy = (x2 - x1) / seg, (y2 - y1) / seg
        body = pts[:-1] + [(x2 - ux * hl * 0.85, y2 - uy * hl * 0.85)]
        d_attr = self._rounded(body, radius)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(
            f'<path class="s-{role}" d="{d_attr}" stroke-width="{fmt(width)}"{extra}/>')
        if head:
            self.arrowhead(x2, y2, ux, uy, hl, role)

    @staticmethod
    def _rounded(pts, r):
        d = [f"M{fmt(pts[0][0])} {fmt(pts[0][1])}"]
        for (ax, ay), (bx, by), (cx, cy) in zip(pts, pts[1:], pts[2:]):
            l1, l2 = math.hypot(bx - ax, by - ay), math.hypot(cx - bx, cy - by)
            rr = min(r, l1 / 2, l2 / 2)
            p = (bx - (bx - ax) / l1 * rr, by - (by - ay) / l1 * rr)
            q = (bx + (cx - bx) / l2 * rr, by + (cy - by) / l2 * rr)
            d.append(f"L{fmt(p[0])} {fmt(p[1])}Q{fmt(bx)} {fmt(by)} {fmt(q[0])} {fmt(q[1])}")
        d.append(f"L{fmt(pts[-1][0])} {fmt(pts[-1][1])}")
        return "".join(d)

    def arrowhead(self, x, y, ux, uy, length, role):
        half = length * 0.42
        bx, by = x - ux * length, y - uy * length
        pts = [(x, y), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
        pts_s = " ".join(f"{fmt(px)},{fmt(py)}" for px, py in pts)
        self.items.append(f'<polygon class="f-{role}" points="{pts_s}"/>')

    def box(self, cx, cy, w, h, role="fg", tint=None, rx=7, width=1.6, dash=None, opaque=False):
        """Rounded box; ``opaque`` first paints the page colour so lines behind it vanish."""
        tint = tint or role
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        if opaque:
            self.items.append(
                f'<rect class="f-paper" x="{fmt(cx - w / 2)}" y="{fmt(cy - h / 2)}" '
                f'width="{fmt(w)}" height="{fmt(h)}" rx="{fmt(rx)}"/>')
        self.items.append(
            f'<rect class="s-{role} t-{tint}" x="{fmt(cx - w / 2)}" y="{fmt(cy - h / 2)}" '
            f'width="{fmt(w)}" height="{fmt(h)}" rx="{fmt(rx)}" '
            f'stroke-width="{fmt(width)}"{extra}/>')

    def op(self, cx, cy, kind, role="fg", r=14.0):
        """A circled operator: ``kind`` is '+' (sum) or 'x' (element-wise product)."""
        self.items.append(f'<circle class="s-{role} t-{role}" cx="{fmt(cx)}" cy="{fmt(cy)}" '
                          f'r="{fmt(r)}" stroke-width="1.8"/>')
        k = r * 0.5
        if kind == "+":
            d = f"M{fmt(cx - k)} {fmt(cy)}H{fmt(cx + k)}M{fmt(cx)} {fmt(cy - k)}V{fmt(cy + k)}"
        else:
            k *= 0.8
            d = (f"M{fmt(cx - k)} {fmt(cy - k)}L{fmt(cx + k)} {fmt(cy + k)}"
                 f"M{fmt(cx - k)} {fmt(cy + k)}L{fmt(cx + k)} {fmt(cy - k)}")
        self.items.append(f'<path class="s-{role}" d="{d}" stroke-width="2.2"/>')

    def rule(self, d: str, role="fg", width=1.2, opacity=None):
        """A bare stroke along SVG path data ``d`` (no arrowhead)."""
        op = f' stroke-opacity="{opacity}"' if opacity else ""
        self.items.append(f'<path class="s-{role}" d="{d}" stroke-width="{fmt(width)}"{op}/>')

    def dot(self, cx, cy, role="fg", r=4.0):
        self.items.append(f'<circle class="f-{role}" cx="{fmt(cx)}" cy="{fmt(cy)}" r="{fmt(r)}"/>')

    def math(self, x, y, markup, size=17.0, role="fg", anchor="middle"):
        """Math label; ``y`` is the visual middle of the text (x-height centred)."""
        self.items.append(
            f'<text class="x-{role} m" x="{fmt(x)}" y="{fmt(y + size * 0.34)}" '
            f'font-size="{fmt(size)}" text-anchor="{anchor}">{math_tspans(markup, size)}</text>')

    def text(self, x, y, words, size=13.0, role="muted", anchor="middle", italic=False):
        """Plain sans-serif annotation; ``y`` is the visual middle of the text."""
        style = ' font-style="italic"' if italic else ""
        self.items.append(
            f'<text class="x-{role} s" x="{fmt(x)}" y="{fmt(y + size * 0.36)}" '
            f'font-size="{fmt(size)}" text-anchor="{anchor}"{style}>{escape(words)}</text>')

    # -- output ------------------------------------------------------------
    def svg(self, mode: str) -> str:
        used = " ".join(self.items)
        css = [f".m{{font-family:{MATH_FONT}}}", f".s{{font-family:{TEXT_FONT}}}",
               "path,rect,circle{fill:none;stroke-linecap:round;stroke-linejoin:round}"]
        col = 0 if mode == "light" else 2
        for role, values in ROLES.items():
            stroke, txt = values[col], values[col + 1]
            tint = 0.07 if role in ("fg", "muted", "faint") else 0.13  # neutrals stay quieter
            rules = {"s": f"stroke:{stroke}", "f": f"fill:{stroke}", "x": f"fill:{txt}",
                     "t": f"fill:{stroke};fill-opacity:{tint}"}
            for prefix, rule in rules.items():  # only the classes this figure uses
                if f'"{prefix}-{role}' in used or f" {prefix}-{role}" in used:
                    css.append(f".{prefix}-{role}{{{rule}}}")
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.w}" height="{self.h}" '
            f'viewBox="0 0 {self.w} {self.h}" role="img" aria-labelledby="t d">\n'
            f'<title id="t">{escape(self.title)}</title>\n<desc id="d">{escape(self.desc)}</desc>\n'
            f"<style>{''.join(css)}</style>\n" + "\n".join(self.items) + "\n</svg>\n")


# ----------------------------------------------------------------------------
# figures

FIGURES: dict = {}
M, F = 18.0, 16.0     # font sizes: math labels, gradient formulas


def figure(name, size, title):
    """Register a drawing function under ``name`` with its canvas ``size`` and title."""
    def register(fn):
        FIGURES[name] = (fn, size, title, ALT[name])
        return fn
    return register


# Alt text, also written into each SVG's <desc>; docs/figures/README.md repeats it.
ALT = {
    "basic_rnn": (
        "Left: one RNN cell that reads the input x at step t from below, emits the "
        "prediction y-hat at step t above, and feeds its hidden state a back into itself "
        "through a loop. Right, after an arrow labelled 'unroll in time': the same cell "
        "copied once per time step (t = 1, 2, and so on up to T_x), each copy reading its "
        "own input from below, emitting its own prediction above and passing its hidden "
        "state to the next copy, starting from the initial state a-zero on the left, so "
        "there is one output for every input (T_y = T_x)."),
    "rnn_cell": (
        "Inside one RNN cell, the previous hidden state a at step t-1 enters from the left "
        "and is multiplied by W_aa, the input x at step t enters from below and is "
        "multiplied by W_ax, and the two products are added together with the bias b_a. "
        "The sum goes through tanh to give the new hidden state a at step t, which leaves "
        "on the right for the next step and also branches upwards into W_ya times a plus "
        "b_y followed by softmax, giving the prediction y-hat at step t at the top."),
    "rnn_unrolled": (
        "The forward pass over a sequence: copies of the RNN cell for steps 1, 2 and T_x, "
        "each labelled with the same parameters W_ax, W_aa, W_ya, b_a and b_y, with the "
        "initial state a-zero entering the first copy from the left and each copy passing "
        "its hidden state to the next. Below, the input array x of shape (n_x, m, T_x) is a "
        "row of slices, one per time step, each feeding its copy of the cell; above, each "
        "copy writes its prediction into one slice of the output array y-hat, shape "
        "(n_y, m, T_x), and its hidden state into one slice of the array a, shape "
        "(n_a, m, T_x)."),
    "lstm_cell": (
        "Inside one LSTM cell, a thick highlighted line along the top carries the cell "
        "state from c at step t-1 on the left to c at step t on the right, touched by only "
        "two operations: element-wise multiplication by the forget gate, then addition of "
        "the update gate times the candidate value c-tilde. Below, a at step t-1 and x at "
        "step t are stacked into one vector, x-bar at step t, that feeds four layers side "
        "by side: the "
        "forget, update and output gates (sigmoids) and the candidate (tanh). On the "
        "right, tanh of the new cell state is multiplied by the output gate to give the "
        "new hidden state a at step t, which leaves the cell and also passes through "
        "softmax of W_y a plus b_y to give the prediction y-hat at step t."),
    "rnn_cell_backward": (
        "The RNN cell's forward graph is drawn faintly, with bold arrows for the backward "
        "pass running the other way: the part da_prev at step t+1, from step t+1, and the "
        "part da at step t, from this step's loss, add up to the total da_next, which "
        "flows back through tanh as dz_a, the gradient at the pre-activation, equal to "
        "da_next times (1 minus a at step t squared), element-wise. From there it splits "
        "three ways: to the previous hidden state, da_prev equals W_aa transposed times "
        "dz_a, leaving on the left, with dW_aa equal to dz_a times a at step t-1 "
        "transposed; to the input, dx at step t equals W_ax transposed times dz_a, leaving "
        "at the bottom, with dW_ax equal to dz_a times x at step t transposed; and to the "
        "bias, db_a equals dz_a summed over the m examples."),
    "gru_cell": (
        "Inside one GRU cell, a thick highlighted line along the top carries the hidden "
        "state, which is also the memory, from a at step t-1 on the left to a at step t on "
        "the right, touched by only two operations: element-wise multiplication by one "
        "minus the update gate, then addition of the update gate times the candidate "
        "value c-tilde. At the left, a at step t-1 also branches downwards. Stacked with "
        "x at step t into one vector, x-bar at step t, it feeds two sigmoid layers side "
        "by side, the reset gate and the update gate. The reset gate multiplies a at step "
        "t-1 element-wise; that product, stacked with x at step t into the candidate's "
        "own vector, x-bar-c at step t, feeds the candidate layer (tanh), whose output "
        "c-tilde is multiplied by the update gate and added to the top line. On the right, the "
        "new hidden state also passes down through softmax of W_y a plus b_y to give the "
        "prediction y-hat at step t."),
}


# Suggested figure label and caption for the chapters (see README.md).
CAPTIONS = {
    "basic_rnn": (
        "fig-basic-rnn",
        "A basic RNN, folded (left) and unrolled in time (right). The same cell runs once "
        "per time step and hands its hidden state to the next step; here every input gets "
        "a prediction, so {math}`T_y = T_x`."),
    "rnn_cell": (
        "fig-rnn-cell",
        "One time step of a basic RNN. The previous hidden state and the current input are "
        "mixed, squashed by tanh into the new hidden state, and a softmax layer reads the "
        "prediction off that state."),
    "rnn_unrolled": (
        "fig-rnn-unrolled",
        "The forward pass over a whole sequence: one copy of the cell per time step, all "
        "sharing one set of parameters. Step {math}`t` reads one slice of `x` and writes "
        "one slice of `a` and of `y_pred`."),
    "lstm_cell": (
        "fig-lstm-cell",
        "One time step of an LSTM. The cell state (top) crosses the cell through a single "
        "product and a single sum; the four gates below decide what to forget, what to "
        "write and what to output."),
    "rnn_cell_backward": (
        "fig-rnn-cell-backward",
        "The backward pass through one RNN cell. Gradients (bold) retrace the forward "
        "graph (faint) from right to left; each boxed formula is the gradient produced at "
        "that point."),
    "gru_cell": (
        "fig-gru-cell",
        "One time step of a GRU. The hidden state (top) is the memory: it crosses the cell "
        "through one product and one sum, both set by the update gate. The reset gate "
        "decides how much of the old state the candidate gets to read."),
}


def snippet(name: str) -> str:
    """The MyST block a chapter pastes to show figure ``name`` (see README.md)."""
    label, caption = CAPTIONS[name]
    return (f"```{{figure}} _static/figures/{name}-light.svg\n:alt: {ALT[name]}\n"
            f":name: {label}\n\n{caption}\n```\n")

def _cell(c: Canvas, x, y, w, h):
    c.box(x, y, w, h, "hidden", rx=10, width=2)
    c.text(x, y, "RNN cell", 15, "fg")


@figure("basic_rnn", (800, 340), "A basic RNN, folded and unrolled in time")
def draw_basic_rnn(c: Canvas):
    yc, cw, ch, yx, yy = 150, 88, 58, 282, 24
    fx = 78                                       # the folded cell, with its loop
    _cell(c, fx, yc, cw, ch)
    c.path([(fx, yx - 16), (fx, yc + ch / 2)], "input")
    c.math(fx, yx, "x^{⟨t⟩}", M, "input")
    c.path([(fx, yc - ch / 2), (fx, yy + 18)], "output")
    c.math(fx, yy, "ŷ^{⟨t⟩}", M, "output")
    top = yc - ch / 2 - 28
    c.path([(fx + cw / 2, yc), (fx + cw / 2 + 26, yc), (fx + cw / 2 + 26, top),
            (fx + 22, top), (fx + 22, yc - ch / 2)], "hidden", radius=12)
    c.math(fx + cw / 2 + 32, top + 4, "a^{⟨t⟩}", 16, "hidden", anchor="start")
    c.path([(182, yc), (236, yc)], "muted", width=1.6)
    c.text(209, yc - 19, "unroll", 14, "muted")
    c.text(209, yc + 19, "in time", 14, "muted")
    xs, steps = [340, 480, 690], ["1", "2", "T_{x}"]
    c.math(268, yc - 21, "a^{⟨0⟩}", 16, "hidden")
    c.path([(252, yc), (xs[0] - cw / 2, yc)], "hidden")
    for x, s in zip(xs, steps):
        _cell(c, x, yc, cw, ch)
        c.path([(x, yx - 16), (x, yc + ch / 2)], "input")
        c.math(x, yx, f"x^{{⟨{s}⟩}}", M, "input")
        c.path([(x, yc - ch / 2), (x, yy + 18)], "output")
        c.math(x, yy, f"ŷ^{{⟨{s}⟩}}", M, "output")
        c.math(x, yx + 34, f"t = {s}", 15, "muted")
    c.path([(xs[0] + cw / 2, yc), (xs[1] - cw / 2, yc)], "hidden")
    c.math((xs[0] + xs[1]) / 2, yc - 21, "a^{⟨1⟩}", 16, "hidden")
    gap_l, gap_r = xs[1] + cw / 2, xs[2] - cw / 2
    c.path([(gap_l, yc), (gap_l + 32, yc)], "hidden", head=False)
    c.math(gap_l + 4, yc - 21, "a^{⟨2⟩}", 16, "hidden", anchor="start")
    c.text((gap_l + gap_r) / 2, yc, "⋯", 22, "hidden")
    c.path([(gap_r - 32, yc), (gap_r, yc)], "hidden")
    c.math(gap_r - 2, yc - 21, "a^{⟨T_{x}−1⟩}", 16, "hidden", anchor="end")
    c.path([(xs[2] + cw / 2, yc), (xs[2] + cw / 2 + 40, yc)], "hidden")
    c.math(xs[2] + cw / 2 + 4, yc - 21, "a^{⟨T_{x}⟩}", 16, "hidden", anchor="start")


def _box_w(markup: str, size: float = M, pad: float = 24.0, minimum: float = 64.0) -> float:
    return max(minimum, text_width(markup, size) + pad)


def _rnn_cell_forward(c: Canvas, g: dict, faint: bool = False):
    """The forward graph of one RNN cell, shared by the forward and backward figures.

    ``g`` holds the geometry: ``y`` the hidden-state line, ``xl``/``xr`` its left
    and right ends, ``w1`` the ``W_aa`` box, ``s`` the sum node (``w2`` the ``W_ax``
    box below it, ``xb`` the input, ``b`` the bias above it), ``th`` tanh, ``br``
    the output branch (``w3``, ``sm``, ``yh`` up it), ``top``/``bot``/``frame_x``/
    ``frame_w`` the cell frame, ``bh`` the box height. With ``faint`` every stroke
    and label is drawn in the faint role, as a backdrop for the backward pass.
    The box widths are written back into ``g`` for the caller.
    """
    def role(r):
        return "faint" if faint else r
    y, sx, h, r = g["y"], g["s"], g["bh"], g.get("r", 15)
    c.box(g["frame_x"] + g["frame_w"] / 2, (g["top"] + g["bot"]) / 2, g["frame_w"],
          g["bot"] - g["top"], role("muted"), tint="none", rx=14, width=1.4, dash="6 5")
    c.text(g["frame_x"] + 12, g["top"] + 17, "one RNN cell", 13.5, role("muted"), anchor="start")
    waa, wax = "W_{aa}\u2009a^{⟨t−1⟩}", "W_{ax}\u2009x^{⟨t⟩}"
    wya = "W_{ya}\u2009a^{⟨t⟩} + b_{y}"
    g["w1_w"], g["w2_w"], g["w3_w"] = _box_w(waa), _box_w(wax), _box_w(wya)
    c.path([(g["xl"], y), (g["w1"] - g["w1_w"] / 2, y)], role("hidden"))
    c.math(g["xl"] + 4, y - 21, "a^{⟨t−1⟩}", M, role("hidden"), anchor="start")
    c.box(g["w1"], y, g["w1_w"], h, role("fg"))
    c.math(g["w1"], y, waa, M, role("fg"))
    c.path([(g["w1"] + g["w1_w"] / 2, y), (sx - r, y)], role("fg"))
    c.path([(sx, g["xb"]), (sx, g["w2"] + h / 2)], role("input"))
    c.math(sx, g["xb"] + 19, "x^{⟨t⟩}", M, role("input"))
    c.box(sx, g["w2"], g["w2_w"], h, role("fg"))
    c.math(sx, g["w2"], wax, M, role("fg"))
    c.path([(sx, g["w2"] - h / 2), (sx, y + r)], role("fg"))
    c.path([(sx, g["b"] + 15), (sx, y - r)], role("fg"))
    c.math(sx, g["b"], "b_{a}", M, role("fg"))
    c.op(sx, y, "+", role("fg"), r=r - 1)
    c.path([(sx + r, y), (g["th"] - 38, y)], role("fg"))
    c.box(g["th"], y, 76, h, role("hidden"))
    c.math(g["th"], y - 2, "tanh", M, role("fg"))
    c.path([(g["th"] + 38, y), (g["xr"], y)], role("hidden"))
    c.math(g["xr"] - 2, y - 21, "a^{⟨t⟩}", M, role("hidden"), anchor="end")
    c.dot(g["br"], y, role("hidden"))
    c.path([(g["br"], y), (g["br"], g["w3"] + h / 2)], role("hidden"))
    c.box(g["br"], g["w3"], g["w3_w"], h, role("fg"))
    c.math(g["br"], g["w3"], wya, M, role("fg"))
    c.path([(g["br"], g["w3"] - h / 2), (g["br"], g["sm"] + 21)], role("fg"))
    c.box(g["br"], g["sm"], 100, 42, role("output"))
    c.math(g["br"], g["sm"] - 2, "softmax", M, role("fg"))
    c.path([(g["br"], g["sm"] - 21), (g["br"], g["yh"] + 17)], role("output"))
    c.math(g["br"], g["yh"], "ŷ^{⟨t⟩}", M, role("output"))


RNN_CELL = dict(y=300, xl=10, w1=182, s=330, xb=448, w2=374, b=206, th=438, br=572, xr=760,
                w3=218, sm=142, yh=34, top=96, bot=418, frame_x=110, frame_w=567, bh=44)


@figure("rnn_cell", (770, 480), "One RNN cell: the forward computation of a single time step")
def draw_rnn_cell(c: Canvas):
    g = dict(RNN_CELL)
    _rnn_cell_forward(c, g)
    c.text(g["xl"] + 2, g["y"] + 20, "from step t−1", 14, "muted", anchor="start")
    c.text(g["xr"] - 2, g["y"] + 20, "to step t+1", 14, "muted", anchor="end")


def _slice_row(c: Canvas, y, edges, labels, role, h=34):
    """A row of touching array slices between consecutive ``edges``, one per label."""
    for left, right, lab in zip(edges, edges[1:], labels):
        c.box((left + right) / 2, y, right - left, h, role, rx=3, width=1.4)
        c.math((left + right) / 2, y - 1, lab, 17, role if lab != "⋯" else "muted")


@figure("rnn_unrolled", (740, 440), "The RNN forward pass unrolled over T_x time steps")
def draw_rnn_unrolled(c: Canvas):
    xs, cw, ch = [190, 340, 590], 112, 88           # cells for t = 1, 2 and T_x
    edges = [115, 265, 415, 533, 647]               # slice borders of the x and ŷ rows
    yy, ya, yc, yx = 40, 114, 232, 368
    one, two, last = "^{⟨1⟩}", "^{⟨2⟩}", "^{⟨T_{x}⟩}"
    _slice_row(c, yy, edges, [f"ŷ{one}", f"ŷ{two}", "⋯", f"ŷ{last}"], "output")
    _slice_row(c, yx, edges, [f"x{one}", f"x{two}", "⋯", f"x{last}"], "input")
    taps = [(xs[0] + xs[1]) / 2, xs[1] + cw / 2 + 30, xs[2] + cw / 2 + 42]
    for gx, lab in zip(taps, [f"a{one}", f"a{two}", f"a{last}"]):
        c.box(gx, ya, 66, 34, "hidden", rx=3, width=1.4)
        c.math(gx, ya - 1, lab, 17, "hidden")
    c.box(496, ya, 46, 34, "hidden", rx=3, width=1.4)
    c.math(496, ya - 1, "⋯", 17, "muted")
    for y, name, shape, role in ((yy, "ŷ", "(n_{y}, m, T_{x})", "output"),
                                 (ya, "a", "(n_{a}, m, T_{x})", "hidden"),
                                 (yx, "x", "(n_{x}, m, T_{x})", "input")):
        c.math(8, y - 10, name, 19, role, anchor="start")
        c.math(8, y + 13, shape, 13.5, "muted", anchor="start")
    c.math(100, yc - 22, "a^{⟨0⟩}", 17, "hidden")
    c.path([(84, yc), (xs[0] - cw / 2, yc)], "hidden")
    for x in xs:
        c.box(x, yc, cw, ch, "hidden", rx=10, width=2)
        c.text(x, yc - 24, "RNN cell", 15, "fg")
        c.math(x, yc + 4, "W_{ax}, W_{aa}, W_{ya}", 13.5, "muted")
        c.math(x, yc + 25, "b_{a}, b_{y}", 13.5, "muted")
        c.path([(x, yx - 17), (x, yc + ch / 2)], "input")
        c.path([(x, yc - ch / 2), (x, yy + 17)], "output")
    c.path([(xs[0] + cw / 2, yc), (xs[1] - cw / 2, yc)], "hidden")
    c.path([(xs[1] + cw / 2, yc), (xs[1] + cw / 2 + 46, yc)], "hidden", head=False)
    for gx in taps[:2]:
        c.dot(gx, yc, "hidden")
        c.path([(gx, yc), (gx, ya + 17)], "hidden")
    c.text(476, yc, "⋯", 22, "hidden")
    c.path([(xs[2] - cw / 2 - 30, yc), (xs[2] - cw / 2, yc)], "hidden")
    c.path([(xs[2] + cw / 2, yc), (taps[2], yc), (taps[2], ya + 17)], "hidden", radius=10)
    c.text(380, 424, "every copy of the cell uses the same parameters", 14.5, "muted",
           italic=True)


def _gate(c: Canvas, x, y, fn, name):
    c.box(x, y, 82, 58, "fg")
    c.math(x, y - 9, fn, 20, "fg")
    c.text(x, y + 15, name, 13.5, "muted")


@figure("lstm_cell", (800, 585), "One LSTM cell: four gates and the cell-state highway")
def draw_lstm_cell(c: Canvas):
    hy, bus, gy, py = 86, 424, 330, 236   # highway, gate bus, gate row, output product row
    fx, ux, cx, ox = 222, 326, 434, 560   # forget, update, candidate, output columns
    mx = (ux + cx) / 2                     # the update product and the highway sum
    c.box(402, 262, 660, 446, "muted", tint="none", rx=14, width=1.4, dash="6 5")
    c.text(84, 56, "one LSTM cell", 13.5, "muted", anchor="start")
    # the cell-state highway: a wide soft band under a thick line
    c.rule(f"M10 {hy}H774", "cell", width=18, opacity=0.2)
    c.path([(10, hy), (fx - 16, hy)], "cell", width=5, head=False)
    c.path([(fx + 16, hy), (mx - 16, hy)], "cell", width=5, head=False)
    c.path([(mx + 16, hy), (790, hy)], "cell", width=5)
    c.op(fx, hy, "x", "cell", r=16)
    c.op(mx, hy, "+", "cell", r=16)
    c.math(12, hy - 26, "c^{⟨t−1⟩}", M, "cell", anchor="start")
    c.math(788, hy - 26, "c^{⟨t⟩}", M, "cell", anchor="end")
    c.text((mx + ox) / 2, hy - 25, "cell state", 13.5, "cell", italic=True)
    # a<t-1> and x<t> stacked into one vector, then a bus to the four gates
    c.box(128, bus, 82, 76, "fg", rx=6)
    c.rule(f"M87 {bus}H169", "fg")
    c.math(128, bus - 18, "a^{⟨t−1⟩}", 17, "hidden")
    c.math(128, bus + 19, "x^{⟨t⟩}", 17, "input")
    c.path([(10, bus - 18), (87, bus - 18)], "hidden")
    c.math(12, bus - 42, "a^{⟨t−1⟩}", M, "hidden", anchor="start")
    c.path([(128, 510), (128, bus + 38)], "input")
    c.math(128, 528, "x^{⟨t⟩}", M, "input")
    c.path([(169, bus), (ox, bus), (ox, gy + 29)], "fg", radius=10)
    c.math(195, bus - 17, "x\u0304^{⟨t⟩}", 17, "fg")  # the stacked column
    for x in (fx, ux, cx):
        c.dot(x, bus, "fg")
        c.path([(x, bus), (x, gy + 29)], "fg")
    for x, fn, name in ((fx, "σ", "forget"), (ux, "σ", "update"), (cx, "tanh", "candidate"),
                        (ox, "σ", "output")):
        _gate(c, x, gy, fn, name)
    # forget and update paths into the highway
    c.path([(fx, gy - 29), (fx, hy + 16)], "fg")
    c.math(fx + 10, 200, "Γ_{f}", M, "fg", anchor="start")
    c.op(mx, 196, "x", "fg")
    c.path([(ux, gy - 29), (ux, 196), (mx - 14, 196)], "fg", radius=10)
    c.math(ux - 9, 256, "Γ_{u}", M, "fg", anchor="end")
    c.path([(cx, gy - 29), (cx, 196), (mx + 14, 196)], "fg", radius=10)
    c.math(cx + 9, 256, "c\u0303", M, "fg", anchor="start")
    c.path([(mx, 196 - 14), (mx, hy + 16)], "fg")
    # output: a<t> = Γo * tanh(c<t>), then the prediction
    c.dot(ox, hy, "cell")
    c.path([(ox, hy), (ox, 152 - 19)], "cell")
    c.box(ox, 152, 76, 38, "fg")
    c.math(ox, 150, "tanh", M, "fg")
    c.op(ox, py, "x", "fg")
    c.path([(ox, 152 + 19), (ox, py - 14)], "fg")
    c.path([(ox, gy - 29), (ox, py + 14)], "fg")
    c.math(ox + 10, 282, "Γ_{o}", M, "fg", anchor="start")
    c.path([(ox + 14, py), (790, py)], "hidden")
    c.math(788, py - 22, "a^{⟨t⟩}", M, "hidden", anchor="end")
    sx, sy = 652, 420
    c.dot(sx, py, "hidden")
    c.path([(sx, py), (sx, sy - 27)], "hidden")
    c.box(sx, sy, 124, 54, "output")
    c.math(sx, sy - 10, "softmax", 17, "fg")
    c.math(sx, sy + 13, "(W_{y}\u2009a^{⟨t⟩} + b_{y})", 13, "fg")
    c.path([(sx + 62, sy), (790, sy)], "output")
    c.math(788, sy - 22, "ŷ^{⟨t⟩}", M, "output", anchor="end")
    _legend(c, 566, [("x", "element-wise product"), ("+", "element-wise sum"),
                     ("σ", "sigmoid")], 165)


@figure("gru_cell", (800, 640), "One GRU cell: two gates, and the hidden state as the memory")
def draw_gru_cell(c: Canvas):
    hy, bus, gy, py, ry = 86, 430, 324, 196, 236  # highway, bus, gate row, product, reset
    ax, sx, rx, ux, cx = 84, 150, 240, 345, 500   # a<t-1> branch, stack, reset, update, cand.
    ox, xy = 650, 500                              # output column, x<t> branch row
    c.box(401, 285, 678, 470, "muted", tint="none", rx=14, width=1.4, dash="6 5")
    c.text(98, 64, "one GRU cell", 13.5, "muted", anchor="start")
    # the hidden state is the highway: a wide soft band under a thick line
    c.rule(f"M10 {hy}H774", "hidden", width=18, opacity=0.2)
    c.path([(10, hy), (ux - 16, hy)], "hidden", width=5, head=False)
    c.path([(ux + 16, hy), (cx - 16, hy)], "hidden", width=5, head=False)
    c.path([(cx + 16, hy), (790, hy)], "hidden", width=5)
    c.op(ux, hy, "x", "hidden", r=16)
    c.op(cx, hy, "+", "hidden", r=16)
    c.math(12, hy - 26, "a^{⟨t−1⟩}", M, "hidden", anchor="start")
    c.math(788, hy - 26, "a^{⟨t⟩}", M, "hidden", anchor="end")
    c.text((cx + ox) / 2, hy - 25, "hidden state", 13.5, "hidden", italic=True)
    # a<t-1> branches down: into the stack, and to the reset product
    c.dot(ax, hy, "hidden")
    c.path([(ax, hy), (ax, bus - 18), (sx - 41, bus - 18)], "hidden", radius=10)
    c.dot(ax, ry, "hidden")
    c.path([(ax, ry), (rx - 14, ry)], "hidden")
    # [a<t-1>; x<t>] feeds the two gates
    c.box(sx, bus, 82, 76, "fg", rx=6)
    c.rule(f"M{sx - 41} {bus}H{sx + 41}", "fg")
    c.math(sx, bus - 18, "a^{⟨t−1⟩}", 17, "hidden")
    c.math(sx, bus + 19, "x^{⟨t⟩}", 17, "input")
    c.path([(sx, 556), (sx, bus + 38)], "input")
    c.math(sx, 574, "x^{⟨t⟩}", M, "input")
    c.path([(sx + 41, bus), (ux, bus), (ux, gy + 29)], "fg", radius=10)
    c.math(sx + 67, bus - 17, "x\u0304^{⟨t⟩}", 17, "fg")  # the stacked column
    c.dot(rx, bus, "fg")
    c.path([(rx, bus), (rx, gy + 29)], "fg")
    for x, name in ((rx, "reset"), (ux, "update")):
        _gate(c, x, gy, "σ", name)
    # update gate: 1 - Γu scales the old state, Γu the candidate
    c.path([(ux, gy - 29), (ux, 166)], "fg")
    c.math(ux - 9, 274, "Γ_{u}", M, "fg", anchor="end")
    c.box(ux, 150, 80, 32, "fg")
    c.math(ux, 150, "1 − Γ_{u}", 16, "fg")
    c.path([(ux, 134), (ux, hy + 16)], "fg")
    c.dot(ux, py, "fg")
    c.path([(ux, py), (cx - 14, py)], "fg")
    # reset gate: Γr ⊙ a<t-1>, stacked with x<t>, feeds the candidate
    c.path([(rx, gy - 29), (rx, ry + 14)], "fg")
    c.math(rx + 10, 270, "Γ_{r}", M, "fg", anchor="start")
    c.op(rx, ry, "x", "fg")
    c.rule(f"M{ux} {ry - 7}V{ry + 7}", "paper", width=8)  # the lines cross, not join
    c.path([(rx + 14, ry), (412, ry), (412, bus - 18), (cx - 58, bus - 18)], "hidden",
           radius=10)
    c.box(cx, bus, 116, 76, "fg", rx=6)
    c.rule(f"M{cx - 58} {bus}H{cx + 58}", "fg")
    c.math(cx, bus - 18, "Γ_{r} ⊙ a^{⟨t−1⟩}", 16, "hidden")
    c.math(cx, bus + 19, "x^{⟨t⟩}", 17, "input")
    c.dot(sx, xy, "input")
    c.path([(sx, xy), (cx, xy), (cx, bus + 38)], "input", radius=10)
    c.path([(cx, bus - 38), (cx, gy + 29)], "fg")
    c.math(cx + 8, (bus - 38 + gy + 29) / 2, "x\u0304_{c}^{⟨t⟩}", 17, "fg",
           anchor="start")  # the candidate's own stacked column
    _gate(c, cx, gy, "tanh", "candidate")
    c.path([(cx, gy - 29), (cx, py + 14)], "fg")
    c.math(cx + 9, 256, "c\u0303", M, "fg", anchor="start")
    c.op(cx, py, "x", "fg")
    c.path([(cx, py - 14), (cx, hy + 16)], "fg")
    # the prediction, read off the new hidden state
    sy = 430
    c.dot(ox, hy, "hidden")
    c.path([(ox, hy), (ox, sy - 27)], "hidden")
    c.box(ox, sy, 124, 54, "output")
    c.math(ox, sy - 10, "softmax", 17, "fg")
    c.math(ox, sy + 13, "(W_{y}\u2009a^{⟨t⟩} + b_{y})", 13, "fg")
    c.path([(ox + 62, sy), (790, sy)], "output")
    c.math(788, sy - 22, "ŷ^{⟨t⟩}", M, "output", anchor="end")
    _legend(c, 618, [("x", "element-wise product"), ("+", "element-wise sum"),
                     ("σ", "sigmoid")], 165)


def _legend(c: Canvas, y, items, x0):
    """Operator legend along one line, starting at ``x0``."""
    x = x0
    for sym, words in items:
        if sym in "x+":
            c.op(x, y, sym, "fg", r=9)
        else:
            c.math(x, y, sym, 18, "fg")
        c.text(x + 15, y, words, 14.5, "muted", anchor="start")
        x += 40 + 7.9 * len(words)


def _formula(c: Canvas, x, y, markup, size=F, anchor="middle"):
    """A gradient formula in a tinted box; ``x`` is its centre, left or right edge."""
    w = text_width(markup, size) + 18
    cx = {"middle": x, "start": x + w / 2, "end": x - w / 2}[anchor]
    c.box(cx, y, w, 34, "grad", rx=6, width=1.4, opaque=True)
    c.math(cx, y, markup, size, "fg")


RNN_BACK = dict(y=282, xl=10, w1=186, s=332, xb=494, w2=378, b=180, th=440, br=590, xr=790,
                w3=205, sm=130, yh=44, top=88, bot=434, frame_x=92, frame_w=600, bh=52, r=13)


@figure("rnn_cell_backward", (800, 585), "Backward pass through one RNN cell")
def draw_rnn_cell_backward(c: Canvas):
    g = dict(RNN_BACK)
    _rnn_cell_forward(c, g, faint=True)
    o, wd, y, h = 18, 2.6, g["y"], g["bh"]
    by, bx = y + o, g["s"] + o                     # the backward node next to the sum
    mx = g["br"] + o                                # where the two incoming gradients meet
    # incoming: from step t+1 and from this step's loss
    c.path([(g["xr"], by), (mx + 10, by)], "grad", wd)
    c.math(g["xr"] - 2, by + 21, "`d|a_{`prev}^{⟨t+1⟩}", F, "grad", anchor="end")
    c.text(g["xr"] - 2, by + 42, "from step t+1", 14, "grad", anchor="end")
    c.path([(mx, g["w3"] + h / 2), (mx, by - 10)], "grad", wd)
    c.math(mx + 10, 252, "`d|a^{⟨t⟩}", F, "grad", anchor="start")
    c.text(g["br"] - 8, 240, "from the loss", 14, "grad", anchor="end")
    c.text(g["br"] - 8, 258, "at step t", 14, "grad", anchor="end")
    c.op(mx, by, "+", "grad", r=10)
    c.path([(mx - 10, by), (g["th"] + 38, by)], "grad", wd)
    c.math((mx - 10 + g["th"] + 38) / 2, by + 19, "`d|a_{`next}", F, "grad")
    # back through tanh: the gradient at the pre-activation z_a
    c.path([(g["th"] - 38, by), (bx + 6, by)], "grad", wd)
    c.dot(bx, by, "grad", r=5.5)
    c.math((g["th"] - 38 + bx) / 2 + 3, by + 19, "`d|z_{a}", F, "grad")
    _formula(c, 556, 358, "`d|z_{a} = `d|a_{`next} ⊙ (1 − (a^{⟨t⟩})^{2})")
    # to the previous hidden state, and to W_aa
    w1l, w1r = g["w1"] - g["w1_w"] / 2, g["w1"] + g["w1_w"] / 2
    c.path([(bx, by), (w1r, by)], "grad", wd)
    c.path([(w1l, by), (g["xl"], by)], "grad", wd)
    _formula(c, g["xl"], 342, "`d|a_{`prev} = W_{aa}^{`T} `d|z_{a}", anchor="start")
    c.path([(g["w1"] + o, y - h / 2), (g["w1"] + o, 214)], "grad", wd)
    _formula(c, g["w1"] + o, 197, "`d|W_{aa} = `d|z_{a} a^{⟨t−1⟩\u2009`T}")
    # to the input, and to W_ax
    c.path([(bx, by), (bx, g["w2"] - h / 2)], "grad", wd)
    c.path([(bx, g["w2"] + h / 2), (bx, 472)], "grad", wd)
    _formula(c, bx + 12, 490, "`d|x^{⟨t⟩} = W_{ax}^{`T} `d|z_{a}", anchor="start")
    w2l = g["s"] - g["w2_w"] / 2
    c.path([(w2l, g["w2"] + 10), (w2l - 22, g["w2"] + 10)], "grad", wd)
    _formula(c, w2l - 22, g["w2"] + 10, "`d|W_{ax} = `d|z_{a} x^{⟨t⟩\u2009`T}", anchor="end")
    # to the bias
    c.path([(bx, by), (bx, 132)], "grad", wd)
    _formula(c, bx, 115, "`d|b_{a} = Σ_{m} `d|z_{a}")
    _backward_legend(c, 562)


def _backward_legend(c: Canvas, y):
    c.path([(40, y), (90, y)], "faint", 2)
    c.text(100, y, "forward pass", 14.5, "muted", anchor="start")
    c.path([(228, y), (278, y)], "grad", 2.6)
    c.text(288, y, "backward pass (gradients)", 14.5, "muted", anchor="start")
    c.math(520, y, "Σ_{m}", F, "fg")
    c.text(538, y, "sums over the m examples", 14.5, "muted", anchor="start")


def build(name: str, check: bool) -> list[str]:
    """Write ``<name>-light.svg`` and ``<name>-dark.svg``; return problems found."""
    fn, (width, height), title, alt = FIGURES[name]
    problems = []
    for mode in ("light", "dark"):
        canvas = Canvas(width, height, title, alt)
        fn(canvas)
        svg = canvas.svg(mode)
        path = OUT / f"{name}-{mode}.svg"
        path.write_text(svg, encoding="utf-8")
        if check:
            problems += check_svg(path, svg)
    return problems


def check_svg(path: Path, svg: str) -> list[str]:
    """Size, self-containment and font checks for one written file."""
    out = []
    if len(svg.encode()) > 60_000:
        out.append(f"{path.name}: {len(svg.encode())} bytes > 60 KB")
    for bad in ("href", "@import", "url(", "@font-face", "<image", "<script"):
        if bad in svg:
            out.append(f"{path.name}: contains {bad!r}")
    if svg.count("http") != 1:  # only the SVG namespace
        out.append(f"{path.name}: unexpected http reference")
    fonts = set(re.findall(r"font-family:([^;}]+)", svg))
    if not fonts <= {"serif", "sans-serif"}:
        out.append(f"{path.name}: non-generic fonts {sorted(fonts)}")
    try:
        ElementTree.fromstring(svg)
    except ElementTree.ParseError as err:
        out.append(f"{path.name}: not well-formed XML ({err})")
    return out


def _luminance(hex_colour: str) -> float:
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def check_contrast() -> list[str]:
    """WCAG contrast of every role against the page: 4.5 for text, 3 for strokes."""
    out = []
    for mode, col in (("light", 0), ("dark", 2)):
        for bg in BACKGROUNDS[mode]:
            for role, values in ROLES.items():
                stroke, txt = values[col], values[col + 1]
                s, t = contrast(stroke, bg), contrast(txt, bg)
                print(f"  {mode:5} on {bg}: {role:7} stroke {s:4.1f}  text {t:4.1f}")
                if role != "paper" and (t < 4.5 or (s < 3 and role != "faint")):
                    out.append(f"{mode} {role} on {bg}: stroke {s:.2f}, text {t:.2f}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the written files")
    parser.add_argument("--snippets", action="store_true",
                        help="print the MyST figure blocks instead of drawing")
    parser.add_argument("names", nargs="*", help="figures to draw (default: all)")
    args = parser.parse_args(argv)
    if args.snippets:
        print("\n".join(snippet(name) for name in args.names or FIGURES))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    problems = []
    for name in args.names or FIGURES:
        problems += build(name, args.check)
    if args.check:
        problems += check_contrast()
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
