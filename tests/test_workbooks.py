"""The workbooks: each course chapter as a notebook in which the reader writes its functions.

The built book holds one workbook per chapter that teaches a graded function, and an
archive of all. Run top to bottom as downloaded, a workbook completes and every check
reports "not implemented yet"; with each stub replaced by the package's function,
every check passes. Each runs in a fresh kernel started in an empty folder, so
nothing is imported from the repository but the installed package.
"""

import ast
import json
import os
import re
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from kernels import describe, execute

from rnnbook.grader import GRADABLE

pytestmark = pytest.mark.book

LEARNER_MODULES = {"numpy", "rnnbook", "IPython"} | set(sys.stdlib_module_names)
MYST_LEFTOVERS = re.compile(r"\{(eq|ref|numref|func|class|mod|explains|glue[:\w]*|math)\}`"
                            r"|^[`:]{3,}\{|^\(\S+\)=$", re.MULTILINE)
WORKBOOKS = "_downloads/workbooks"


def workbooks(site):
    return sorted((site / WORKBOOKS).glob("*.ipynb"))


def read(path):
    return nbformat.read(path, as_version=4)


def role(cell):
    """``("stub", name)``, ``("check", name)`` or None, from the cell's metadata."""
    found = cell.metadata.get("workbook", {})
    for key in ("stub", "check"):
        if key in found:
            return key, found[key]
    return None


def imported_roots(source):
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0] if not node.level else ".")
    return roots


def test_every_graded_function_is_a_stub_followed_by_its_check(built_book):
    found = []
    for path in workbooks(built_book.site):
        cells = read(path).cells
        roles = [role(cell) for cell in cells]
        stubs = [name for kind, name in filter(None, roles) if kind == "stub"]
        assert stubs, f"{path.name} asks for no function"
        for i, found_role in enumerate(roles):
            if found_role and found_role[0] == "stub":
                name = found_role[1]
                assert roles[i + 1] == ("check", name), f"{path.name}: no check after {name}"
                assert cells[i + 1].source == f"check({name})"
                assert cells[i].source.splitlines()[-1].strip().startswith(
                    "raise NotImplementedError")
                assert f"def {name}(" in cells[i].source and "Parameters\n" in cells[i].source
        found += stubs
    assert sorted(found) == sorted(GRADABLE), "each graded function in exactly one workbook"


def test_a_workbook_needs_numpy_and_rnnbook_only(built_book):
    for path in workbooks(built_book.site):
        notebook = read(path)
        intro, setup = notebook.cells[:2]
        assert intro.cell_type == "markdown" and intro.source.startswith("# Workbook: ")
        assert setup.cell_type == "code"
        assert imported_roots(setup.source) == {"numpy", "rnnbook"}, setup.source
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not re.search(r"^\s*[!%]", cell.source, re.MULTILINE), cell.source
                outside = imported_roots(cell.source) - LEARNER_MODULES
                assert not outside, f"{path.name} imports {outside}"


def test_markdown_is_plain_jupyter_markdown(built_book):
    for path in workbooks(built_book.site):
        for cell in read(path).cells:
            if cell.cell_type == "markdown":
                leftover = MYST_LEFTOVERS.search(cell.source)
                assert not leftover, f"{path.name}: MyST left in a cell: {leftover[0]!r}"


def test_figures_are_embedded(built_book):
    notebook = read(built_book.site / WORKBOOKS / "rnn_cell.ipynb")
    images = [(cell, name) for cell in notebook.cells if cell.cell_type == "markdown"
              for name in re.findall(r"\(attachment:([^)]+)\)", cell.source)]
    assert len(images) == 2
    for cell, name in images:
        assert "image/svg+xml" in cell.attachments[name]


def test_exercises_and_figures_are_numbered_as_on_the_site(built_book):
    # The workbooks number them from the book's own numbering (docs/_ext/workbooks.py),
    # not through Sphinx's numref resolver: they must still read as the page does.
    for path in workbooks(built_book.site):
        text = "\n".join(cell.source for cell in read(path).cells
                         if cell.cell_type == "markdown")
        in_workbook = re.findall(r"^\*\*(Exercise \d+)\.\*\*|^\*(Fig\. \d+):", text, re.M)
        page = built_book.page(path.stem)
        on_site = re.findall(r'class="caption-number">((?:Exercise|Fig\.) \d+) <',
                             page.read_text(encoding="utf-8"))
        assert [a or b for a, b in in_workbook] == on_site, path.name
        assert on_site, f"{path.name}: nothing numbered"


def test_links_to_the_book_reach_a_page_and_anchor_of_the_site(built_book):
    site, checked = built_book.site, 0
    for path in workbooks(site):
        for cell in read(path).cells:
            if cell.cell_type != "markdown":
                continue
            for url in re.findall(r"\]\(([^)\s]+)\)", cell.source):
                if url.startswith("attachment:"):
                    continue
                target, _, anchor = (path.parent / url).resolve().as_posix().partition("#")
                assert Path(target).is_file(), f"{path.name}: {url}"
                if anchor:
                    assert f'id="{anchor}"' in Path(target).read_text(encoding="utf-8"), url
                checked += 1
    assert checked > 50


def test_solutions_are_left_out(built_book):
    notebook = read(built_book.site / WORKBOOKS / "rnn_cell.ipynb")
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "**Exercise" in text  # the questions stay
    assert "mean_shift_softmax" not in text  # the code of solution 1
    assert "The mean keeps the scores centred" not in text  # the words of solution 1


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.downloads = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "download" in attrs:
            self.downloads.append(attrs["href"])


def downloads(page):
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return [(page.parent / unquote(urlparse(href).path)).resolve() for href in parser.downloads]


def test_each_chapter_with_a_workbook_links_it_from_its_your_turn_box(built_book):
    for path in workbooks(built_book.site):
        page = built_book.page(path.stem)
        html = page.read_text(encoding="utf-8")
        assert len(re.findall(r'<div class="[^"]*\byour-turn\b', html)) == 1, path.stem
        assert path.resolve() in downloads(page), path.stem


def test_the_do_it_yourself_page_links_every_workbook_and_the_archive(built_book):
    site = built_book.site
    linked = downloads(built_book.page("do_it_yourself"))
    archive = (site / WORKBOOKS / "rnnbook-workbooks.zip").resolve()
    assert set(linked) == {path.resolve() for path in workbooks(site)} | {archive}
    with zipfile.ZipFile(archive) as bundle:
        names = sorted(bundle.namelist())
        assert names == [f"rnnbook-workbooks/{path.name}" for path in workbooks(site)]
        for path in workbooks(site):
            assert bundle.read(f"rnnbook-workbooks/{path.name}") == path.read_bytes()


def test_every_download_link_of_the_site_reaches_a_file(built_book):
    for page in built_book.site.rglob("*.html"):
        for target in downloads(page):
            assert target.is_file(), f"{page.relative_to(built_book.site)} links {target}"


# ---------------------------------------------------------------------------------
# Running them


def with_package_functions(notebook):
    """The workbook with every stub replaced by an import of the package's function."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for cell in notebook.cells:
        found = cell.metadata.get("workbook", {})
        if "stub" in found:
            cell.source = f"from {found['module']} import {found['stub']}"
    return notebook


def checks(notebook):
    """``{name: first line of its report}``, from an executed workbook."""
    reports = {}
    for cell in notebook.cells:
        found = role(cell)
        if found and found[0] == "check":
            text = "".join(output.get("data", {}).get("text/plain", "")
                           for output in cell.outputs)
            reports[found[1]] = text.splitlines()[0] if text else ""
    return reports


@pytest.fixture(scope="module")
def runs(built_book, tmp_path_factory):
    """Every workbook run twice, as downloaded and with the package's functions.

    ``{(workbook, "stubs" or "package"): future of (failure, {name: report line})}``,
    run on as many kernels as cores.
    """
    def run(path, version):
        notebook = read(path) if version == "stubs" else with_package_functions(read(path))
        folder = tmp_path_factory.mktemp(f"{path.stem}-{version}")  # nothing else in it
        failure = execute(notebook, folder, tree_on_path=False)  # the installed rnnbook
        return failure, checks(notebook)

    jobs = [(path, version) for path in workbooks(built_book.site)
            for version in ("stubs", "package")]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        yield {(path.stem, version): pool.submit(run, path, version)
               for path, version in jobs}


def test_as_downloaded_every_check_says_not_implemented_yet(runs):
    for (name, version), future in runs.items():
        if version != "stubs":
            continue
        failure, reports = future.result()
        assert failure is None, f"{name}: {describe(failure)}"
        assert reports, name
        for function, line in reports.items():
            assert line == f"check({function}): not implemented yet", (name, line)


def test_with_the_package_functions_every_check_passes(runs):
    for (name, version), future in runs.items():
        if version != "package":
            continue
        failure, reports = future.result()
        assert failure is None, f"{name}: {describe(failure)}"
        for function, line in reports.items():
            assert re.fullmatch(rf"check\({function}\): (\d+) of \1 checks passed", line), (
                name, line)
