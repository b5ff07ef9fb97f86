"""The whole book as one PDF, and its references.

``built_book`` is built as ``make book`` builds it: the site, then the LaTeX sources
from the same doctrees, then the PDF with XeLaTeX, checked by
``docs/_ext/book_pdf.py`` and copied into the site (see ``conftest.py``).
"""

import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.book

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "docs" / "_ext"))
import book_pdf  # noqa: E402

# The works the book must cite where their ideas appear (a pair: either will do).
REQUIRED_CITATIONS = ["elman1990", ("werbos1990", "rumelhart1986"), "bengio1994",
                      "pascanu2013", "hochreiter1997", "gers2000", "cho2014", "kingma2015"]


def page_title(path):
    """The first heading of a MyST page, markup removed."""
    heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return heading.group(1).replace("`", "").strip()


def squeeze(text):
    """Lower case, no spaces, no hyphens or dashes: how lines break does not matter."""
    return re.sub(r"[\s\-\u2013]+", "", text.lower())


def cited_keys(path):
    """The keys a page cites with {cite:p} or {cite:t}, not counting code that shows the role."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"),
                  flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"``.+?``", "", text, flags=re.DOTALL)
    return [key.strip() for keys in re.findall(r"\{cite:[pt]\}`([^`]+)`", text)
            for key in keys.split(",")]


def outline_titles(outline):
    """Every title in a pypdf outline (nested lists of bookmarks)."""
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        else:
            yield item.title


def index_pages(reader):
    """The PDF's pages from its last bookmark, the index, to the end."""
    return reader.pages[reader.get_destination_page_number(reader.outline[-1]):]


def link_targets(reader):
    """The named destinations that the PDF's internal links go to, one per link."""
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if action is not None and action.get("/S") == "/GoTo":
                yield str(action["/D"])
            elif annotation.get("/Dest") is not None:
                yield str(annotation["/Dest"])


@pytest.fixture(scope="module")
def pdf_text(built_book):
    return book_pdf.pdf_text(built_book.pdf)


@pytest.fixture(scope="module")
def reader(built_book):
    from pypdf import PdfReader

    return PdfReader(built_book.pdf)


def test_the_pdf_build_reads_and_executes_nothing_again(built_book):
    """The LaTeX builder uses the doctrees of the HTML build: chapters run once per build."""
    assert "updating environment: 0 added, 0 changed, 0 removed" in built_book.latex_log
    assert "executing" not in built_book.latex_log.lower()
    assert built_book.executed_after_pdf == built_book.executed_by_html


def test_the_pdf_passes_its_check(built_book, pdf_text):
    """No "??", no unresolved reference in XeLaTeX's log, no character missing from the fonts."""
    check = built_book.pdf_check
    assert check.returncode == 0, check.stderr
    assert book_pdf.text_problems(pdf_text) == []
    assert built_book.pdf.read_bytes().startswith(b"%PDF-")


def test_the_pdf_has_every_chapter_in_text_and_bookmarks(built_book, chapters, pdf_text, reader):
    text = squeeze(pdf_text)
    bookmarks = set(outline_titles(reader.outline))
    for page in chapters:
        title = page_title(built_book.copy.src / "docs" / f"{page}.md")
        assert squeeze(title) in text, f"{page}: title {title!r} not in the PDF"
        assert title in bookmarks, f"{page}: no bookmark {title!r}"
    # The toctree captions are the parts.
    index = (built_book.copy.src / "docs" / "index.md").read_text(encoding="utf-8")
    for caption in re.findall(r"^:caption: (.+)$", index, flags=re.MULTILINE):
        assert any(b.endswith(f" {caption}") for b in bookmarks), f"no part {caption!r}"


def test_the_pdf_links_resolve(reader):
    targets = list(link_targets(reader))
    names = set(reader.named_destinations)
    assert len(targets) > 500, "the chapters' cross-references should be links"
    unresolved = sorted({t for t in targets if t not in names})
    assert not unresolved, f"links to no destination: {unresolved[:10]}"


def test_the_pdf_shows_executed_outputs_and_glued_numbers(built_book, pdf_text):
    loss = built_book.page("loss").read_text(encoding="utf-8")
    glued = re.search(r'class="pasted-text">(\d\.\d{3})<', loss).group(1)  # a loss in nats
    assert glued in pdf_text
    version = re.search(r'__version__ = "([^"]+)"',
                        (built_book.copy.src / "rnnbook" / "__init__.py").read_text()).group(1)
    assert f"rnnbook {version}: " in pdf_text  # a cell output of the API page


def test_equations_are_numbered_through_the_book_as_on_the_site(built_book, reader):
    html_numbers = [int(n) for path in sorted(built_book.site.rglob("docs/*.html"))
                    for n in re.findall(r'<span class="eqno">\((\d+)\)',
                                        path.read_text(encoding="utf-8"))]
    assert html_numbers, "the site has numbered equations"
    # hyperref names an equation's anchor "equation.<chapter>.<section>.<number>"
    anchors = [name for name in reader.named_destinations if name.startswith("equation.")]
    numbers = sorted(int(name.rsplit(".", 1)[1]) for name in anchors)
    # One number per equation, as many as on the site, not restarting in each chapter.
    assert numbers == list(range(1, max(html_numbers) + 1))
    assert sorted(html_numbers) == numbers


def test_the_diagrams_and_plots_are_vectors_light_only(built_book):
    tex = (built_book.copy.latex / "rnnbook.tex").read_text(encoding="utf-8")
    figures = sorted({name for path in (built_book.copy.src / "docs").glob("*.md")
                      for name in re.findall(r"_static/figures/([\w-]+)-light\.svg",
                                             path.read_text(encoding="utf-8"))})
    assert figures
    for name in figures:
        assert f"{{{name}-light}}.pdf" in tex, f"{name}: not in the PDF as a converted PDF"
    assert "-dark}" not in tex, "a dark-mode twin reached the PDF"
    # Plots (SVG outputs) are converted too: the PDF holds no raster image at all.
    listing = subprocess.run(["pdfimages", "-list", str(built_book.pdf)], check=True,
                             capture_output=True, text=True).stdout.splitlines()
    assert len(listing) == 2, "raster images in the PDF:\n" + "\n".join(listing)
    assert len(re.findall(r"\\sphinxincludegraphics", tex)) > len(figures), "plots missing"


def test_every_page_links_to_the_pdf(built_book):
    pages = [p for p in built_book.site.rglob("*.html")
             if p.relative_to(built_book.site).parts[0] not in ("_static", "_sources")]
    assert len(pages) > 10
    for path in pages:
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # the root's forward to the front page
        link = re.search(r'<a href="([^"]+)"[^>]*class="[^"]*btn-download-book-pdf-button', html)
        assert link, f"{path.name}: no link to the PDF"
        url = urljoin(path.relative_to(built_book.site).as_posix(), unescape(link.group(1)))
        assert (built_book.site / url).resolve() == built_book.pdf.resolve(), url
    # The page's own downloads stay in the theme's menu.
    chapter = built_book.page("rnn_cell").read_text(encoding="utf-8")
    menu = chapter[chapter.index("dropdown-download-buttons"):]
    menu = menu[:menu.index("</ul>")]
    assert "rnn_cell.ipynb" in menu and "rnn_cell.md" in menu and "rnnbook.pdf" not in menu


def test_the_bibliography_lists_every_work_and_the_chapters_cite_them(built_book, pdf_text):
    src = built_book.copy.src / "docs"
    bib = (src / "references.bib").read_text(encoding="utf-8")
    titles = [re.sub(r"[{}]", "", title) for title in
              re.findall(r"^\s*title\s*=\s*\{(.+?)\},$", bib, flags=re.MULTILINE | re.DOTALL)]
    assert len(titles) >= 8
    page = built_book.page("bibliography").read_text(encoding="utf-8")
    text = squeeze(pdf_text)
    for title in titles:
        assert squeeze(title) in squeeze(unescape(re.sub(r"<[^>]+>", "", page))), title
        assert squeeze(title) in text, f"{title!r} not in the PDF's references"

    cited = {key for path in src.glob("*.md") for key in cited_keys(path)}
    for required in REQUIRED_CITATIONS:
        options = required if isinstance(required, tuple) else (required,)
        assert cited & set(options), f"no chapter cites {' or '.join(options)}"

    ids = set(re.findall(r'<div class="citation" id="([^"]+)"', page))
    assert len(ids) == len(titles)
    citing = [path.stem for path in src.glob("*.md") if cited_keys(path)]
    assert len(citing) >= 5
    for name in citing:
        html = built_book.page(name).read_text(encoding="utf-8")
        spans = re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', html,
                           flags=re.DOTALL)
        links = [link for span in spans for link in re.findall(r'href="([^"]+)"', span)]
        assert spans and len(links) >= len(spans), f"{name}: citations are not links"
        for link in links:
            target, _, anchor = link.partition("#")
            assert target in ("", "bibliography.html") and anchor in ids, f"{name}: {link}"


def test_the_pdf_ends_with_an_index_of_the_key_ideas(reader):
    """The index closes the book, a bookmark beside the parts, and gives the pages of
    the ideas that the site's Index page lists."""
    from test_glossary import KEY_IDEAS

    last = reader.outline[-1]
    assert not isinstance(last, list) and last.title == "Index"
    index = squeeze(" ".join(page.extract_text() for page in index_pages(reader)))
    for idea in KEY_IDEAS:  # "teacher forcing, 251": the term, then its pages
        assert re.search(re.escape(squeeze(idea)) + r",\d+", index), f"{idea!r} not indexed"
        if "-" in idea:  # once, its glossary entry and its chapters' under one heading
            assert len(re.findall(r"\d" + re.escape(squeeze(idea)) + ",", index)) == 1, idea


def test_the_pdf_index_sets_ideas_in_the_text_face_and_api_names_in_typewriter(reader):
    from test_glossary import KEY_IDEAS

    by_font = {}

    def collect(text, cm, tm, font, size):
        if font and text.strip():
            face = "mono" if "Mono" in font["/BaseFont"] else "text"
            by_font.setdefault(face, []).append(text)

    for page in index_pages(reader):
        page.extract_text(visitor_text=collect)
    text, mono = (squeeze(" ".join(by_font.get(face, []))) for face in ("text", "mono"))
    for idea in KEY_IDEAS:
        assert squeeze(idea) in text, f"{idea!r}: not in the text face"
    for name in ("rnn_forward()", "lstm_cell_backward()", "build_vocabulary()"):
        assert squeeze(name) in mono and squeeze(name) not in text, name


def test_the_pdf_citations_link_to_the_references(reader):
    citations = [t for t in link_targets(reader) if t.startswith("cite.")]
    assert len(citations) >= 10
    assert set(citations) <= set(reader.named_destinations)


# --- Small books: seconds to build, and the checks must catch a broken PDF ---------

SMALL_INDEX = """
(home)=
# Home

Some words, and {cite:t}`elman1990`.

```{code-cell} ipython3
print("home")
```

```{toctree}
:caption: Chapters

chapter
bibliography
```
"""

SMALL_CHAPTER = """
(chapter)=
# A chapter

$$
z = W x + b
$$ (small-eq)

Equation {eq}`small-eq`, after {cite:p}`hochreiter1997`.

```{figure} _static/figures/lstm_cell-light.svg
:name: small-fig

The cell.
```

```{code-cell} ipython3
print("chapter")
```
"""

BIBLIOGRAPHY = (REPO / "docs" / "bibliography.md").read_text(encoding="utf-8")


def small_pdf_book(small_book, chapter=SMALL_CHAPTER):
    small_book.write("index", SMALL_INDEX)
    small_book.write("chapter", chapter)
    (small_book.src / "docs" / "bibliography.md").write_text(BIBLIOGRAPHY, encoding="utf-8")
    small_book.build_ok()
    return small_book


def test_dark_twins_reach_the_site_but_not_the_pdf(small_book):
    """Built in `make book`'s order: the LaTeX build reuses the HTML build's doctrees."""
    book = small_pdf_book(small_book)
    html = (book.html / "docs" / "chapter.html").read_text(encoding="utf-8")
    images = re.findall(r"<img [^>]+>", html)
    assert any('class="only-dark"' in img and 'src="../_images/lstm_cell-dark.svg"' in img
               for img in images), images
    assert any('class="only-light"' in img and 'src="../_images/lstm_cell-light.svg"' in img
               for img in images), images
    assert (book.html / "_images" / "lstm_cell-dark.svg").is_file()
    latex, checked = book.build_pdf()
    assert "0 added, 0 changed, 0 removed" in latex.stdout
    tex = (book.latex / "rnnbook.tex").read_text(encoding="utf-8")
    assert "{lstm_cell-light}.pdf" in tex
    assert "-dark" not in tex
    assert not (book.latex / "lstm_cell-dark.pdf").exists()
    assert checked.returncode == 0, checked.stderr
    text = book_pdf.pdf_text(book.latex / "rnnbook.pdf")
    assert "Fig. 1: The cell." in text and "(1)" in text and "(Hochreiter" in text


def test_the_check_reports_an_unresolved_reference(small_book):
    """LaTeX prints "??" for a label it cannot find; the check must say so."""
    chapter = SMALL_CHAPTER + "\n```{raw} latex\nSee \\ref{no-such-label}.\n```\n"
    book = small_pdf_book(small_book, chapter)
    _, checked = book.build_pdf()
    assert checked.returncode == 1
    assert "unresolved reference" in checked.stderr and "??" in checked.stderr
    assert "Reference `no-such-label'" in checked.stderr
    text = book_pdf.pdf_text(book.latex / "rnnbook.pdf")
    assert book_pdf.text_problems(text)


def test_the_check_reports_a_missing_character():
    log = "Missing character: There is no \u23ce (U+23CE) in font [FreeMonoOblique.otf]/OT!\n"
    assert book_pdf.log_problems("Output written on x.pdf.\n" + log) == [log.strip()]
    assert book_pdf.log_problems("Output written on x.pdf (3 pages).\n") == []
