"""MyST Markdown to the Markdown that Jupyter renders.

Jupyter's Markdown knows headings, lists, tables, code, ``$`` math and some HTML, but
no roles (``{eq}`label```) and no directives (```` ```{math} ````). :func:`convert`
splits a chapter's Markdown into plain text and fenced blocks, hands every role and
every directive to a ``Hooks`` object, and assembles what the hooks return. The hooks
know the book (equation numbers, links, glued values); this module only knows the
syntax, and the directives whose Jupyter form needs nothing from the book.

A directive's hook returns a list of pieces: Markdown text (``str``) or a code cell
(:class:`Code`). A role's hook returns Markdown text.
"""

import re
from typing import NamedTuple

import yaml

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*(?P<info>.*?)\s*$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:+-]+)\}\s*(?P<argument>.*)$")
# A role is {name} right before a code span; a code span is a run of backticks, its
# text, and the same run again.
ROLE_OR_CODE = re.compile(r"(?:\{(?P<role>[\w:+-]+)\})?(?P<ticks>`+)(?P<text>.+?)(?<!`)(?P=ticks)(?!`)",
                          re.DOTALL)
TARGET = re.compile(r"^\s*\(.+\)=\s*$")  # (label)=
BLOCK_BREAK = re.compile(r"^\+\+\+")  # +++ between notebook cells
COMMENT = re.compile(r"^%")  # % a MyST comment line
ADMONITIONS = {"admonition", "note", "tip", "hint", "important", "warning", "caution",
               "attention", "danger", "error", "seealso", "margin", "sidebar"}
CODE_BLOCKS = {"code-block", "code", "sourcecode"}


class Code(NamedTuple):
    """A code cell for the notebook, made by a directive's hook."""

    source: str
    metadata: dict = {}


class Directive(NamedTuple):
    name: str
    argument: str
    options: dict
    body: str  # the content, without the options


def _closes(line, fence):
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def blocks(text):
    """Split MyST Markdown into ``str`` runs of plain text, fenced code and directives.

    Fenced code comes back as a ``(info, body)`` tuple, a directive as a
    :class:`Directive`. Fences nest: a directive's body is returned whole, to be
    converted by its hook.
    """
    lines, plain, i = text.split("\n"), [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            plain.append(lines[i])
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not _closes(lines[end], match["fence"]):
            end += 1
        if plain:
            yield "\n".join(plain)
            plain = []
        body = "\n".join(line[len(match["indent"]):] for line in lines[i + 1:end])
        directive = DIRECTIVE.match(match["info"])
        if directive:
            options, content = split_options(body)
            yield Directive(directive["name"], directive["argument"], options, content)
        else:
            yield (match["info"], body)
        i = end + 1
    if plain:
        yield "\n".join(plain)


def split_options(body):
    """A directive's options (``:key: value`` lines or a YAML block) and its content."""
    lines = body.split("\n")
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        options = yaml.safe_load("\n".join(lines[1:end])) or {}
        return options, "\n".join(lines[end + 1:]).strip("\n")
    options = {}
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        key, _, value = lines.pop(0)[1:].partition(":")
        options[key] = value.strip()
    return options, "\n".join(lines).strip("\n")


def inline(text, hooks):
    """Plain text with its roles replaced by what ``hooks.role`` makes of them."""
    def replace(match):
        if match["role"] is None:
            return match[0]  # a code span: leave it
        return hooks.role(match["role"], match["text"])

    kept = [line for line in text.split("\n")
            if not (TARGET.match(line) or BLOCK_BREAK.match(line) or COMMENT.match(line))]
    return ROLE_OR_CODE.sub(replace, "\n".join(kept))


def convert(text, hooks):
    """Pieces (Markdown ``str`` and :class:`Code`) for the MyST Markdown ``text``.

    While ``hooks.hidden`` is true (a directive's hook sets it, e.g. at the start of a
    solution), text and code are left out; directives still go to their hook.
    """
    pieces = []
    for block in blocks(text):
        if getattr(hooks, "hidden", False) and not isinstance(block, Directive):
            continue
        if isinstance(block, str):
            pieces.append(inline(block, hooks))
        elif isinstance(block, Directive):
            pieces += hooks.directive(block)
        else:
            info, body = block
            pieces.append(f"```{info}\n{body}\n```")
    return merge(pieces)


def merge(pieces):
    """Adjacent Markdown pieces joined; blank runs collapsed; empty ones dropped."""
    merged = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + "\n\n" + piece  # blocks: never one paragraph
        else:
            merged.append(piece)
    result = []
    for piece in merged:
        if isinstance(piece, str):
            piece = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", piece).strip("\n")
            if not piece.strip():
                continue
        result.append(piece)
    return result


def markdown_only(pieces):
    """The Markdown of ``pieces`` as one string (for directive bodies)."""
    return "\n\n".join(piece for piece in pieces if isinstance(piece, str))


# ---------------------------------------------------------------------------------
# Directives whose Jupyter form needs nothing from the book


def display_math(latex, tag=None):
    """``$$ ... $$`` for a math directive, wrapped as Sphinx wraps it for MathJax."""
    parts = [part.strip() for part in latex.split("\n\n") if part.strip()]
    wrapped = [rf"\begin{{split}}{part}\end{{split}}" if "\\\\" in part else part
               for part in parts]
    body = " \\\\\n".join(wrapped)
    if len(parts) > 1:
        body = rf"\begin{{aligned}}{body}\end{{aligned}}"
    return f"$$\n{body}" + (rf" \tag{{{tag}}}" if tag else "") + "\n$$"


def quote(title, body_markdown):
    """A Markdown blockquote with a bold title: an admonition."""
    lines = [f"**{title}**", ""] + body_markdown.split("\n")
    return "\n".join("> " + line if line else ">" for line in lines)


def details(summary, body_markdown):
    """An HTML ``<details>`` block, which Jupyter renders folded."""
    return f"<details>\n<summary>{summary}</summary>\n\n{body_markdown}\n\n</details>"


def code_block(language, body):
    return f"```{language}\n{body}\n```"
