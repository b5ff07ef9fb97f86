"""The code a reader can see in a chapter runs, in order, in a fresh kernel.

A reader who copies a chapter's code cells one after the other into a notebook must
get no error: no cell shown may depend on a cell the book removes from the page. For
every page of the table of contents, the code cells not tagged ``remove-cell`` or
``remove-input`` (folded cells are shown: one click opens them) run in order in a new
kernel started in ``docs/``. Cells tagged ``raises-exception`` may raise; any other
error fails the page's test, which names the cell and its line.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from conftest import REPO, toctree_pages
from kernels import describe, execute
from myst_nb.core.read import read_myst_markdown_notebook

pytestmark = pytest.mark.chapters

DOCS = REPO / "docs"
NOT_SHOWN = {"remove-cell", "remove-input"}
PAGES = ["index"] + toctree_pages((DOCS / "index.md").read_text(encoding="utf-8"))


def shown_code(page):
    """The page as a notebook of its shown code cells; and each one's line in the source."""
    notebook = read_myst_markdown_notebook((DOCS / f"{page}.md").read_text(encoding="utf-8"),
                                           add_source_map=True)
    cells, lines = [], []
    for cell, line in zip(notebook.cells, notebook.metadata["source_map"], strict=True):
        if cell.cell_type == "code" and not NOT_SHOWN & set(cell.metadata.get("tags", [])):
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata))
            lines.append(line + 1)
    return nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata), lines


def run_page(page):
    notebook, lines = shown_code(page)
    failure = execute(notebook, DOCS)
    if failure is None:
        return None
    return (f"docs/{page}.md, shown code cell {failure[0] + 1} (line {lines[failure[0]]}): "
            f"{describe(failure)}")


@pytest.fixture(scope="module")
def runs(request):
    """The pages selected for this session, run on as many kernels as cores at once.

    ``{page: future}``; each page's test waits for its own.
    """
    selected = [item.callspec.params["page"] for item in request.session.items
                if getattr(item, "originalname", None)
                == "test_shown_code_runs_alone_in_a_fresh_kernel"]
    # Longest pages first, so that no long one is left to run alone at the end.
    selected.sort(key=lambda page: -(DOCS / f"{page}.md").stat().st_size)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        yield {page: pool.submit(run_page, page) for page in selected}


def test_every_page_of_the_book_is_run():
    assert {path.stem for path in DOCS.glob("*.md")} == set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_shown_code_runs_alone_in_a_fresh_kernel(page, runs):
    failure = runs[page].result()
    assert failure is None, failure
