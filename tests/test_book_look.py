"""One place for the book's look: the plot style and the page CSS are not copied.

Every figure gets its look from ``rnnbook/plots.mplstyle``, set in a cell the reader
sees; every page gets its CSS from ``docs/_static/rnnbook.css``. A chapter that sets
Matplotlib's settings itself or carries its own ``<style>`` drifts from the others.
"""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.glob("*.md"))
STYLE_USE = 'plt.style.use("rnnbook.plots")'
DRAWS = re.compile(r"\bplt\.(subplots|figure|plot|show)\(")
SETS_STYLE = re.compile(r"rcParams\s*(\.update\(|\[[^\]]+\]\s*=)|\bmpl\.rc\(|\bplt\.rc\(")


def code_cells(text):
    """``(tags, source)`` of each code cell of a MyST notebook page, in order."""
    cells = []
    for block in re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", text, re.M | re.S):
        tags = re.search(r"tags:\s*\[([^\]]*)\]", block.split("\n\n", 1)[0])
        cells.append((tags.group(1) if tags else "", block))
    return cells


def look_problems(text):
    """What a page does against the one-place rule (empty when it keeps it)."""
    problems = []
    if re.search(r"```\{raw\} html\n(?:(?!```).)*<style", text, re.S):
        problems.append("a <style> block of its own: CSS goes in docs/_static/rnnbook.css")
    styled = False
    for tags, source in code_cells(text):
        if SETS_STYLE.search(source):
            problems.append("sets Matplotlib settings itself: use the book's style")
        if STYLE_USE in source and "remove-cell" not in tags:
            styled = True
        if DRAWS.search(source) and not styled:
            problems.append(f"draws before a visible cell says {STYLE_USE}")
            break
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_every_page_takes_its_look_from_the_one_place(page):
    assert look_problems(page.read_text(encoding="utf-8")) == []


def test_pages_draw_with_the_book_style():
    """The rule is not vacuous: some chapters draw, and they all say so."""
    drawing = [page.stem for page in PAGES if DRAWS.search(page.read_text(encoding="utf-8"))]
    assert len(drawing) >= 4


@pytest.mark.parametrize("broken, found", [
    ('```{code-cell} ipython3\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\n```\n',
     "draws before"),
    ('```{code-cell} ipython3\n:tags: [remove-cell]\n\nimport matplotlib.pyplot as plt\n'
     f'{STYLE_USE}\n```\n\n```{{code-cell}} ipython3\nplt.plot([1, 2])\n```\n',
     "draws before"),
    ('```{code-cell} ipython3\nimport matplotlib.pyplot as plt\n'
     'plt.rcParams.update({"font.size": 9})\n```\n', "sets Matplotlib settings"),
    ('```{code-cell} ipython3\nimport matplotlib as mpl\nmpl.rcParams["axes.edgecolor"] = "k"'
     '\n```\n', "sets Matplotlib settings"),
    ('```{raw} html\n<style>\nbody { color: red; }\n</style>\n```\n', "<style> block"),
])
def test_a_page_that_copies_the_look_is_caught(broken, found):
    assert any(found in problem for problem in look_problems(broken))
