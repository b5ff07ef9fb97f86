"""Fixtures of the book tests: one build of the whole book per test session.

The book is built from a copy of the repository in a temporary folder, never from
the working tree, with the same steps and Sphinx options as ``make book`` (warnings
are errors): the HTML site, then the LaTeX sources on the same doctrees, then the PDF,
checked and copied into the site. ``built_book.site`` is a snapshot of that build's
site: tests that edit and rebuild the copy (``test_book_build.py``) cannot change what
the other tests see.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# -T: a failing cell's traceback reaches the log also from parallel (-j) readers.
# One reader more than cores, as `make book` does (see the Makefile).
SPHINX_OPTIONS = ["-T", "-W", "--keep-going", "-j", str((os.cpu_count() or 1) + 1)]
# The Makefile's options for latexmk, and the name of the PDF it makes.
LATEXMK_OPTIONS = "-silent -halt-on-error"
PDF = "rnnbook.pdf"
# Not part of the book's sources; some are big (.venv) or belong to a build.
# Terminal colour codes: Sphinx colours its log when FORCE_COLOR is set (CI may set it),
# which puts codes inside the lines the tests look for.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "_build", "jupyter_execute", ".jupyter_cache", "__pycache__",
    ".pytest_cache", "*.egg-info", "tests",
)


@dataclass
class Book:
    """A copy of the repository and the folders its build writes."""

    src: Path
    extra_options: tuple = ()  # more sphinx-build options

    @property
    def build_dir(self):
        return self.src / "_build"

    @property
    def html(self):
        return self.build_dir / "html"

    @property
    def executed(self):
        """MyST-NB's executed notebooks, one per notebook page."""
        return self.build_dir / "jupyter_execute"

    def executed_notebooks(self):
        """``{page: mtime_ns}`` of every executed notebook."""
        return {path.relative_to(self.executed).with_suffix("").as_posix():
                path.stat().st_mtime_ns for path in self.executed.rglob("*.ipynb")}

    @property
    def latex(self):
        return self.build_dir / "latex"

    @property
    def pdf(self):
        """The PDF as the site serves it."""
        return self.html / PDF

    def build(self, builder="html"):
        """Run Sphinx (incrementally after the first time); return the completed process."""
        outdir = self.html if builder == "html" else self.build_dir / builder
        return run([sys.executable, "-m", "sphinx", *SPHINX_OPTIONS, *self.extra_options,
                    "-b", builder, "-d", str(self.build_dir / "doctrees"), str(self.src),
                    str(outdir)])

    def build_pdf(self):
        """After ``build()``: the LaTeX sources, the PDF, its check, the copy into the site.

        Returns the completed processes of the LaTeX build and of the PDF's check; an
        assertion fails if a step fails.
        """
        latex = self.build("latex")
        assert latex.returncode == 0, f"LaTeX build failed:\n{latex.stdout}\n{latex.stderr}"
        pdf = run(["make", "-C", str(self.latex), "all-pdf", f"LATEXMKOPTS={LATEXMK_OPTIONS}"])
        assert pdf.returncode == 0, f"XeLaTeX failed:\n{pdf.stdout[-5000:]}\n{pdf.stderr}"
        checked = run([sys.executable, str(self.src / "docs" / "_ext" / "book_pdf.py"),
                       str(self.latex / PDF)])
        shutil.copy2(self.latex / PDF, self.pdf)
        return latex, checked

    def build_ok(self):
        result = self.build()
        assert result.returncode == 0, f"book build failed:\n{result.stdout}\n{result.stderr}"
        return result


def run(command):
    """Run a command; return the completed process, its output read from files.

    Colour codes are removed from the output, so tests read the same text whether
    or not the environment asks for colour.

    The output goes to files, not pipes, and the command runs in its own session,
    killed as a group when it ends: a notebook kernel orphaned by a failing cell
    would otherwise keep the pipes open and the test waiting on them.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True,
                                   start_new_session=True)
        try:
            returncode = process.wait(timeout=600)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(command, returncode,
                                           ANSI_ESCAPE.sub("", out.read()),
                                           ANSI_ESCAPE.sub("", err.read()))


def toctree_pages(index_text):
    """The document names listed in the toctrees of ``docs/index.md``, in order."""
    pages = []
    for block in re.findall(r"```\{toctree\}\n(.*?)```", index_text, flags=re.DOTALL):
        pages += [line.strip() for line in block.splitlines()
                  if line.strip() and not line.startswith(":")]
    return pages


@pytest.fixture(scope="session")
def chapters():
    """``index`` and every page of its toctrees: what must be built and executed."""
    return ["index"] + toctree_pages((REPO / "docs" / "index.md").read_text())


def copy_repository(target):
    shutil.copytree(REPO, target, ignore=NOT_COPIED)
    return Book(target)


@pytest.fixture(scope="session")
def book_copy(tmp_path_factory):
    """A copy of the repository in a temporary folder."""
    return copy_repository(tmp_path_factory.mktemp("book") / "repo")


MYST_NOTEBOOK = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

"""


@pytest.fixture
def small_book(tmp_path):
    """A copy of the repository whose docs/ holds only the pages a test writes.

    The book's configuration, extensions and package are the real ones; the chapters
    are not, so these builds take seconds and do not depend on what chapters say.
    ``small_book.write(name, text)`` writes docs/<name>.md as a MyST notebook.
    """
    book = copy_repository(tmp_path / "repo")
    # Its few pages explain and teach only some functions; the real book must explain
    # them all, and teach every graded one.
    book.extra_options = ("-D", "api_links_require_explained=0",
                          "-D", "workbook_require_all=0")
    for path in (book.src / "docs").glob("*.md"):
        path.unlink()

    def write(name, text):
        path = book.src / "docs" / f"{name}.md"
        path.write_text(MYST_NOTEBOOK + text, encoding="utf-8")
        return path

    book.write = write
    return book


@pytest.fixture(scope="session")
def built_book(book_copy, tmp_path_factory):
    """The copy, built once as ``make book`` does; ``.site`` is a snapshot of its site."""
    result = book_copy.build_ok()
    executed = book_copy.executed_notebooks()
    latex, checked = book_copy.build_pdf()
    site = tmp_path_factory.mktemp("site") / "html"
    shutil.copytree(book_copy.html, site)
    return BuiltBook(book_copy, site, result.stdout + result.stderr,
                     latex_log=latex.stdout + latex.stderr, pdf_check=checked,
                     executed_by_html=executed,
                     executed_after_pdf=book_copy.executed_notebooks())


@dataclass
class BuiltBook:
    copy: Book
    site: Path
    log: str
    latex_log: str = ""  # the LaTeX builder's output
    pdf_check: subprocess.CompletedProcess = None  # docs/_ext/book_pdf.py on the PDF
    executed_by_html: dict = None  # executed notebooks after the HTML build ...
    executed_after_pdf: dict = None  # ... and after the PDF's

    def page(self, docname):
        return self.site / "docs" / f"{docname}.html"

    @property
    def pdf(self):
        return self.site / PDF
