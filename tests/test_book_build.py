"""The book builds with warnings as errors, executes every chapter, and re-executes
the chapters when the package changes.

All builds run on a temporary copy of the repository (see ``conftest.py``).
"""

import json
import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.book

CELL_OUTPUT = 'class="cell_output'


def executed_notebooks(book):
    """``{page: mtime_ns}`` of every executed notebook of the book copy."""
    return book.executed_notebooks()


def cell_outputs(html):
    """The text of the cell outputs of a page, tags removed."""
    blocks = re.findall(r'<div class="cell_output[^"]*">(.*?)</div>\s*</div>', html, flags=re.DOTALL)
    return [re.sub(r"<[^>]+>", "", block) for block in blocks]


class _AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or "") + (
                attrs.get("as") or ""):
            self.assets.append(attrs["href"])
        if tag == "link" and attrs.get("rel") in ("preload", "icon", "modulepreload"):
            self.assets.append(attrs.get("href", ""))


def notebook_pages(book, chapters):
    """The pages with code cells; each must be a MyST notebook (the others are plain pages)."""
    pages = []
    for page in chapters:
        text = (book.copy.src / "docs" / f"{page}.md").read_text(encoding="utf-8")
        if "{code-cell}" in text:
            assert "kernelspec:" in text.split("\n---", 1)[0], f"{page}: code cells, no kernel"
            pages.append(page)
    return pages


def test_every_chapter_is_built_and_executed(built_book, chapters):
    missing = [page for page in chapters if not built_book.page(page).is_file()]
    assert not missing, f"pages in the toctree but not built: {missing}"
    notebooks = notebook_pages(built_book, chapters)
    # Only the References and Glossary pages have no code.
    assert len(notebooks) >= len(chapters) - 2
    unexecuted = [page for page in notebooks
                  if CELL_OUTPUT not in built_book.page(page).read_text(encoding="utf-8")]
    assert not unexecuted, f"pages without any executed cell output: {unexecuted}"


def test_toctree_lists_every_chapter_file(built_book, chapters):
    sources = sorted(p.stem for p in (built_book.copy.src / "docs").glob("*.md"))
    assert sorted(chapters) == sources


def test_cell_outputs_come_from_this_build(built_book):
    version = re.search(r'__version__ = "([^"]+)"',
                        (built_book.copy.src / "rnnbook" / "__init__.py").read_text()).group(1)
    outputs = cell_outputs(built_book.page("api").read_text(encoding="utf-8"))
    assert any(f"rnnbook {version}" in text for text in outputs), outputs


def test_glued_numbers_are_rendered(built_book, chapters):
    front = built_book.page("index").read_text(encoding="utf-8")
    assert re.search(r'class="pasted-text">\d+<', front), "glued number not on the front page"
    for page in chapters:
        # Code may show the role's syntax; prose may not.
        text = re.sub(r"<(pre|code)\b.*?</\1>", "", built_book.page(page).read_text(encoding="utf-8"),
                      flags=re.DOTALL)
        assert "{glue" not in text, f"{page}: glue role left unrendered"


def test_each_chapter_downloads_as_source_and_executed_notebook(built_book, chapters):
    sources = built_book.site / "_sources" / "docs"
    notebooks = notebook_pages(built_book, chapters)
    for page in chapters:
        html = built_book.page(page).read_text(encoding="utf-8")
        assert f"_sources/docs/{page}.md" in html, page
        markdown = (built_book.copy.src / "docs" / f"{page}.md").read_text(encoding="utf-8")
        assert (sources / f"{page}.md").read_text(encoding="utf-8") == markdown
        if page not in notebooks:
            continue
        assert f"_sources/docs/{page}.ipynb" in html, page
        notebook = json.loads((sources / f"{page}.ipynb").read_text(encoding="utf-8"))
        code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        assert any(cell["outputs"] for cell in code), f"{page}.ipynb has no outputs"


def test_pages_load_assets_from_the_site_only(built_book):
    for path in built_book.site.rglob("*.html"):
        parser = _AssetParser()
        parser.feed(path.read_text(encoding="utf-8"))
        remote = [url for url in parser.assets if re.match(r"(https?:)?//", url)]
        assert not remote, f"{path.relative_to(built_book.site)} loads {remote}"
    assert (built_book.site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_every_chapter_has_its_hover_previews(built_book, chapters):
    """Pages written by parallel workers keep their previews (docs/_ext/hover_previews.py).

    Each chapter loads its own preview script, and the script has a preview for every
    link on the page to an equation, a glossary term or an API entry.
    """
    previewed = 0
    for page in chapters:
        html = built_book.page(page).read_text(encoding="utf-8")
        scripts = re.findall(r'src="\.\./(_static/tippy/docs/[^"]+\.js)', html)
        assert len(scripts) == 1, f"{page}: {scripts}"
        previews = (built_book.site / scripts[0]).read_text(encoding="utf-8")
        links = set(re.findall(r'<a class="reference internal" href="('
                               r'[^"]*#(?:equation-|term-)[^"]+|api\.html#rnnbook\.[^"]+)"',
                               html))
        missing = [href for href in links if f'a[href=\\"{href}\\"]' not in previews]
        assert not missing, f"{page}: no preview for {missing[:5]}"
        previewed += bool(links)
    assert previewed >= len(chapters) // 2  # the check above is not empty


class _Folding(HTMLParser):
    """Where each cell output and each solution of a page sits among its blocks."""

    BLOCKS = ("div", "section", "details")

    def __init__(self):
        super().__init__()
        self.open = []  # (tag, classes, id) of the blocks around the current position
        self.exercises = []  # ids of the exercises seen so far
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.BLOCKS:
            return
        attrs = dict(attrs)
        classes, ident = set((attrs.get("class") or "").split()), attrs.get("id")
        in_exercises = any(block[2] == "exercises" for block in self.open)
        folded = any({"solution", "dropdown"} <= block[1] for block in self.open)
        if "exercise" in classes:
            self.exercises.append(ident)
        if "solution" in classes and "dropdown" not in classes:
            self.problems.append(f"solution {ident} is not folded (:class: dropdown)")
        if "solution" in classes and not self.exercises:
            self.problems.append(f"solution {ident} comes before any exercise")
        if "cell_output" in classes and in_exercises and not folded:
            self.problems.append("an output under Exercises is not inside a folded "
                                 "solution")
        if "sd-dropdown" in classes and in_exercises:
            self.problems.append("a {dropdown} under Exercises: fold a solution with "
                                 "{solution-start} and :class: dropdown instead")
        self.open.append((tag, classes, ident))

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            while self.open and self.open.pop()[0] != tag:
                pass


def test_every_solution_is_folded_with_its_words_code_and_output(built_book, chapters):
    """Under a chapter's Exercises, what answers a question opens with one click."""
    problems, solutions = {}, 0
    for page in chapters:
        html = built_book.page(page).read_text(encoding="utf-8")
        parser = _Folding()
        parser.feed(html)
        solutions += html.count('class="solution dropdown')
        if parser.problems:
            problems[page] = sorted(set(parser.problems))
    assert solutions > 30
    assert not problems


def test_every_known_mistake_links_to_a_section_of_the_book(built_book):
    from rnnbook.grader import MISTAKES

    for mistake in MISTAKES.values():
        page, anchor = mistake.target.split("#")
        html = built_book.page(page.removesuffix(".html")).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, mistake.target


INDEX = """
(home)=
# Home

```{code-cell} ipython3
print("home")
```

```{toctree}
chapter
api
```
"""

CHAPTER = """
(chapter)=
# A chapter

```{code-cell} ipython3
import rnnbook.activations

print("probe", getattr(rnnbook.activations, "BOOK_PROBE", 0))
```
"""

API = """
(api)=
# API

```{code-cell} ipython3
import rnnbook
print(f"rnnbook {rnnbook.__version__}")
```

```{eval-rst}
.. automodule:: rnnbook.activations
   :members:

.. automodule:: rnnbook.cell
   :members:
```
"""


def small_book_with(small_book, chapter=CHAPTER):
    small_book.write("index", INDEX)
    small_book.write("chapter", chapter)
    small_book.write("api", API)
    return small_book


def test_package_edit_reexecutes_every_notebook_page(small_book):
    """The kernel imports the copy's rnnbook, and an edit to it re-runs every page."""
    book = small_book_with(small_book)
    book.build_ok()
    before = executed_notebooks(book)
    assert sorted(before) == ["docs/api", "docs/chapter", "docs/index"]
    assert "probe 0" in "".join(cell_outputs((book.html / "docs/chapter.html").read_text()))

    module = book.src / "rnnbook" / "activations.py"
    module.write_text(module.read_text() + "\nBOOK_PROBE = 42\n")
    init = book.src / "rnnbook" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]+"', '__version__ = "9.8.7"', init.read_text()))
    book.build_ok()
    after = executed_notebooks(book)
    stale = [page for page in before if after[page] == before[page]]
    assert not stale, f"not re-executed after a package edit: {stale}"
    assert "probe 42" in "".join(cell_outputs((book.html / "docs/chapter.html").read_text()))
    assert "rnnbook 9.8.7" in "".join(cell_outputs((book.html / "docs/api.html").read_text()))

    book.build_ok()  # nothing changed: nothing executes again
    assert executed_notebooks(book) == after


FEATURES = """
(features)=
# Features a chapter relies on

$$
z = W_{ax} x + b_a
$$ (features-eq)

Equation {eq}`features-eq` is computed by {explains}`rnnbook.rnn_cell_forward`;
see also {func}`rnnbook.sigmoid` and the {ref}`api`.

:::{dropdown} Solution
The hidden answer.
:::

```{code-cell} ipython3
:tags: [raises-exception]
1 / 0
```

```{code-cell} ipython3
from myst_nb import glue
glue("third", float(1 / 3), display=False)
```

A third is {glue:text}`third:.4f`.
"""


def test_chapter_features_and_links_between_chapter_and_api(small_book):
    book = small_book_with(small_book)
    book.build_ok()
    before = executed_notebooks(book)
    book.write("chapter", FEATURES)
    book.build_ok()
    after = executed_notebooks(book)
    assert [page for page in before if after[page] != before[page]] == ["docs/chapter"]

    html = (book.html / "docs" / "chapter.html").read_text(encoding="utf-8")
    number = re.search(r'id="equation-features-eq">.*?<span class="eqno">\((\d+)\)', html,
                       flags=re.DOTALL)
    assert number, "a labelled equation is numbered"
    assert re.search(rf'href="#equation-features-eq"[^>]*>\({number.group(1)}\)', html)
    assert 'href="api.html#rnnbook.cell.rnn_cell_forward"' in html
    assert 'href="api.html#rnnbook.activations.sigmoid"' in html
    assert "sd-dropdown" in html
    assert "ZeroDivisionError" in html  # the tagged cell shows its error, the build goes on
    assert 'class="pasted-text">0.3333<' in html

    # The API page was not re-read, yet its entry now links back to the chapter.
    api = (book.html / "docs" / "api.html").read_text(encoding="utf-8")
    entry = api[api.index('id="rnnbook.cell.rnn_cell_forward"'):]
    entry = entry[:entry.find('<dl class="py', 1)]
    assert "Explained in" in entry
    assert 'href="chapter.html#explains-rnnbook.rnn_cell_forward"' in entry
    assert "Explained in" not in api[:api.index('id="rnnbook.cell.rnn_cell_forward"')]


def test_a_cell_that_raises_fails_the_build_and_shows_why(small_book):
    book = small_book_with(small_book, CHAPTER + "\n```{code-cell} ipython3\n1 / 0\n```\n")
    result = book.build()
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "ZeroDivisionError" in log and "chapter.md" in log


def test_a_reference_to_a_missing_api_entry_fails_the_build(small_book):
    book = small_book_with(small_book, CHAPTER + "\nSee {func}`rnnbook.no_such_function`.\n")
    result = book.build()
    assert result.returncode != 0
    assert "rnnbook.no_such_function" in result.stdout + result.stderr


def test_a_function_no_chapter_explains_fails_the_build(small_book):
    """With the real book's setting, a documented function needs a chapter."""
    book = small_book_with(small_book)
    book.extra_options = ("-D", "api_links_require_explained=1", "-D", "workbook_require_all=0")
    result = book.build()
    assert result.returncode != 0
    assert "rnnbook.activations.softmax is explained in no chapter" in result.stderr


RUNS_SIGMOID = """
(runs)=
# A chapter that runs the sigmoid

```{code-cell} ipython3
from rnnbook import sigmoid

print(sigmoid(0.0))
```
"""

EXPLAINS_SIGMOID = """
(explains)=
# A chapter that explains the sigmoid

{explains}`rnnbook.sigmoid` squashes a number into (0, 1).
"""


def _two_chapters(small_book, first, second):
    small_book.write("index", INDEX.replace("chapter\n", "first\nsecond\n"))
    small_book.write("first", first)
    small_book.write("second", second)
    small_book.write("api", API)
    return small_book


def test_running_a_function_a_later_chapter_explains_fails_the_build(small_book):
    book = _two_chapters(small_book, RUNS_SIGMOID, EXPLAINS_SIGMOID)
    result = book.build()
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert ("first.md: calls rnnbook.activations.sigmoid, which is explained only later, "
            "in docs/second") in log


def test_running_a_function_an_earlier_chapter_explains_builds(small_book):
    book = _two_chapters(small_book, EXPLAINS_SIGMOID, RUNS_SIGMOID)
    result = book.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "chapter_order" not in result.stdout + result.stderr


def test_running_a_function_no_chapter_explains_fails_the_build(small_book):
    book = _two_chapters(small_book, RUNS_SIGMOID.replace("sigmoid", "softmax"),
                         EXPLAINS_SIGMOID)
    result = book.build()
    assert result.returncode != 0
    assert "calls rnnbook.activations.softmax, which is explained in no chapter" in (
        result.stdout + result.stderr)


TEACHES = """
(teaches)=
# A chapter that teaches the RNN cell

{explains}`rnnbook.rnn_cell_forward` computes equation {eq}`teaches-state`:

```{math}
:label: teaches-state
a = \\tanh(W_{ax} x + W_{aa} a_{prev} + b_a)
```

```{literalinclude} ../rnnbook/cell.py
:pyobject: rnn_cell_forward
```

```{code-cell} ipython3
from rnnbook import rnn_cell_forward
from rnnbook.course import rnn_cell_forward_case

a_next, yt_pred, cache = rnn_cell_forward(**rnn_cell_forward_case())
```

```{code-cell} ipython3
print("kept")
```
"""


def test_a_chapter_that_teaches_a_graded_function_gets_a_workbook(small_book):
    """Read from the chapter alone: no list of chapters to keep up to date."""
    book = small_book_with(small_book, TEACHES)
    book.extra_options += ("-D", "workbook_guide=")  # no Do it yourself page here
    result = book.build()
    assert result.returncode != 0
    assert "teaches rnn_cell_forward but has no {your-turn} box" in result.stderr

    book.write("chapter", TEACHES + "\n```{your-turn}\n```\n")
    book.build_ok()
    html = (book.html / "docs" / "chapter.html").read_text(encoding="utf-8")
    assert 'href="../_downloads/workbooks/chapter.ipynb"' in html
    notebook = json.loads((book.html / "_downloads/workbooks/chapter.ipynb").read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert sources[1] == "import numpy as np\n\nfrom rnnbook import check\nfrom rnnbook import softmax"
    stub = sources.index("check(rnn_cell_forward)") - 1
    assert sources[stub].startswith("def rnn_cell_forward(xt, a_prev, parameters):")
    assert "\\tag{1}" in "".join(sources)
    assert "rnn_cell_forward_case" not in "".join(sources)  # the cell runs the stub: out
    assert 'print("kept")' in sources
