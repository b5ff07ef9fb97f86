"""The whole book as one PDF: its structure in LaTeX, and a link from every page.

``make book`` builds the site, then the LaTeX sources of the book on the same
doctrees (nothing is read or executed again), then ``rnnbook.pdf`` with XeLaTeX, and
copies the PDF to the site's root, under the name of ``latex_documents``' first file.

* In the HTML pages, a header button next to the theme's download menu (whose items
  are about the page itself) links to the PDF. It is added through the theme's
  ``header_buttons`` context, on every page, also those without a download menu.
* In the LaTeX output, the front page's toctree captions ("The course", ...) become
  parts and every page a chapter; the front page itself is the first chapter of the
  first part. Sphinx alone would make the front page's last section a chapter and
  every page a section of it, since the toctrees sit inside that section.
* Sphinx's LaTeX writer gathers all citations at the end of the document; they are
  moved back into the page that holds the ``bibliography`` directive, so that the
  PDF, like the site, has one References chapter (the preamble in ``conf.py`` drops
  the extra heading LaTeX's bibliography would start).
* A glossary term's index entry is moved from the term to the start of its definition:
  the LaTeX writer puts the term in a macro's argument, from where
  ``cross\\sphinxhyphen{}entropy`` reaches the index file as
  ``cross\\sphinxhyphen {}entropy``, another key than the chapters' entries for the same
  words, and the PDF's index listed such a term twice.
* ``python docs/_ext/book_pdf.py _build/latex/rnnbook.pdf`` checks the built PDF: no
  reference left unresolved, no character missing from the fonts (``make book`` runs
  it; the tests use its functions).
"""

import re
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_id

BUTTON_LABEL = "download-book-pdf-button"


def pdf_name(config):
    """``rnnbook.pdf`` for ``rnnbook.tex``: what XeLaTeX makes of the first LaTeX document."""
    return Path(config.latex_documents[0][1]).with_suffix(".pdf").name


def add_book_pdf_button(app, pagename, templatename, context, doctree):
    """Runs after the theme has listed its header buttons (priority 501)."""
    buttons = context.get("header_buttons")
    if buttons is None:  # another theme
        return
    button = {
        "type": "link",
        "url": context["pathto"](pdf_name(app.config), 1),
        "text": "PDF",
        "tooltip": "Download the whole book (PDF)",
        "icon": "fas fa-book",
        "label": BUTTON_LABEL,
    }
    labels = [b.get("label") for b in buttons]
    # Right after the page's download menu; pages without one (search, index) get
    # it first, where the menu would be.
    at = labels.index("download-buttons") + 1 if "download-buttons" in labels else 0
    buttons.insert(at, button)


def root_toctrees(env):
    """``[(caption, [docname, ...])]`` of the root document's toctrees, in order."""
    tree = env.get_doctree(env.config.root_doc)
    return [(toctree.get("caption") or "", list(toctree["includefiles"]))
            for toctree in tree.findall(addnodes.toctree)]


class BookParts(SphinxPostTransform):
    """LaTeX only: the assembled book as parts (toctree captions) of chapters (pages).

    Runs on the single tree the LaTeX builder assembles from the root document, in
    which each page included by a toctree is a ``start_of_file`` node.
    """

    default_priority = 760  # after Sphinx's BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs):
        files = {node["docname"]: node for node in self.document.findall(addnodes.start_of_file)}
        if not files:
            return  # not the assembled book
        self.make_parts(files)
        self.move_bibliography(files)

    def make_parts(self, files):
        root = next(iter(self.document.findall(nodes.section)))
        # The outer section's title is the document's title, which the writer skips
        # (the title page has it); its sections are parts (latex_toplevel_sectioning).
        book = nodes.section("", nodes.title("", self.config.project))
        root.replace_self(book)
        part, front = None, root
        for caption, docnames in root_toctrees(self.env):
            if caption or part is None:  # a toctree without a caption continues a part
                part = nodes.section("", nodes.title(caption, caption))
                part["ids"].append(make_id(self.env, self.document, "part", caption))
                book += part
            if front is not None:
                part += front  # the front page opens the first part
                front = None
            for docname in docnames:
                if docname in files:
                    page = files[docname]
                    page.parent.remove(page)
                    part += page

    def move_bibliography(self, files):
        bibliography = next(iter(self.document.findall(thebibliography)), None)
        if bibliography is None:
            return
        docname = bibliography[0]["docname"]
        chapter = next(iter(files[docname].findall(nodes.section)))
        bibliography.parent.remove(bibliography)
        chapter += bibliography


class GlossaryIndexEntries(SphinxPostTransform):
    """LaTeX only: each glossary term's index entry at the start of its definition."""

    default_priority = 770
    formats = ("latex",)

    def run(self, **kwargs):
        for term in list(self.document.findall(nodes.term)):
            entries = [child for child in term.children if isinstance(child, addnodes.index)]
            definition = next((node for node in term.parent.children
                               if isinstance(node, nodes.definition)), None)
            if not entries or definition is None:
                continue
            first = definition.children[0] if definition.children else None
            target = first if isinstance(first, nodes.paragraph) else definition
            for entry in reversed(entries):
                term.remove(entry)
                target.insert(0, entry)


def setup(app):
    app.connect("html-page-context", add_book_pdf_button, priority=600)
    app.add_post_transform(BookParts)
    app.add_post_transform(GlossaryIndexEntries)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


# --- Checks of the built PDF (run by `make book` and by the tests) ---------------

# What XeLaTeX's last run reports about a reference it could not resolve or a
# character the fonts lack; the log wraps lines at 79 characters, so only the start
# of each message is matched.
LOG_PROBLEMS = re.compile(
    r"^(LaTeX Warning: (Hyper reference|Reference|Citation) .*"
    r"|LaTeX Warning: There were undefined references.*"
    r"|Missing character: .*)$", re.MULTILINE)


def log_problems(log_text):
    """The lines of a LaTeX log that report an unresolved reference or a missing glyph."""
    return [match.group(0) for match in LOG_PROBLEMS.finditer(log_text)]


def pdf_text(pdf):
    """The text of a PDF, as poppler's ``pdftotext`` reads it (reading order, UTF-8)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def text_problems(text):
    """What in a PDF's text shows a broken build: LaTeX prints ``??`` for a missing label."""
    return [f"unresolved reference: ...{text[max(0, i - 40):i + 10]!r}..."
            for i in (m.start() for m in re.finditer(r"\?\?", text))]


def check(pdf):
    """All problems of a built PDF and of the LaTeX log beside it (``x.pdf``, ``x.log``)."""
    pdf = Path(pdf)
    return log_problems(pdf.with_suffix(".log").read_text(errors="replace")) + \
        text_problems(pdf_text(pdf))


if __name__ == "__main__":
    # python docs/_ext/book_pdf.py _build/latex/rnnbook.pdf
    found = check(sys.argv[1])
    for problem in found:
        print(f"{sys.argv[1]}: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)
