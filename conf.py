"""Sphinx configuration of the rnnbook book (MyST-NB + sphinx-book-theme).

Build: ``make book`` or
``python -m sphinx -T -W --keep-going -j 3 -b html -d _build/doctrees . _build/html``.
The chapters live in ``docs/``; the book's own Sphinx extensions in ``docs/_ext/``.
"""

import dataclasses
import os
import sys
from pathlib import Path

from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

ROOT = Path(__file__).resolve().parent

# The book documents and executes the rnnbook of the tree this file sits in, also
# when that tree is a copy (tests build one in a temporary folder): autodoc imports
# from sys.path, and the notebook kernels inherit PYTHONPATH from this process.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
# The chapters multiply small matrices, where BLAS threads cost more than they save
# (measured: the character-model chapter took 12.4 s of CPU with threads, 3.9 s without).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)

project = "rnnbook"
author = "the rnnbook authors"
copyright = "2026, the rnnbook authors"
language = "en"

extensions = [
    "gc_settings",  # docs/_ext: fewer full garbage collections in the build's main process
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_exercise",  # {exercise} and folded {solution-start}/{solution-end}
    "sphinx_togglebutton",  # folds the solutions (":class: dropdown")
    "offline_mathjax",  # docs/_ext: MathJax served from the site, no CDN
    "package_dependencies",  # docs/_ext: chapters re-run when the package changes
    "ipynb_downloads",  # docs/_ext: each chapter's executed notebook in the download menu
    "ipc_kernels",  # docs/_ext: notebook kernels on Unix sockets, not TCP ports
    "balanced_reading",  # docs/_ext: parallel readers get batches of pages that cost alike
    "root_redirect",  # docs/_ext: the site's root forwards to the front page
    "api_links",  # docs/_ext: {explains} role, chapter <-> API links
    "chapter_order",  # docs/_ext: no chapter runs a function a later chapter explains
    "themed_figures",  # docs/_ext: each *-light.svg figure shows its *-dark.svg twin in dark mode
    "code_include",  # docs/_ext: an included function shows its docstring's summary only
    "index_entries",  # docs/_ext: the caches' fields stay out of the general index
    "sphinxcontrib.bibtex",  # {cite:p} / {cite:t} roles and the References page
    "sphinxcontrib.rsvgconverter",  # SVG -> PDF (vector) for the LaTeX build, via rsvg-convert
    "book_pdf",  # docs/_ext: the whole-book PDF, linked from every page
    "exercise_labels",  # docs/_ext: in the PDF, links to an exercise find it
    "workbooks",  # docs/_ext: each course chapter as a notebook to fill in; {your-turn}
    "hover_previews",  # docs/_ext: sphinx-tippy's previews of link targets, served locally
    "accessible_markup",  # docs/_ext: HTML of folded cells and citations that passes axe
]

# --- Sources ----------------------------------------------------------------
root_doc = "docs/index"
include_patterns = ["docs/**"]
exclude_patterns = [
    ".venv", "_build", ".git", ".pytest_cache", ".jupyter_cache", "jupyter_execute",
    "*.egg-info", "README.md", "tests", "benchmarks", "rnnbook",
    "docs/_ext", "docs/_static", "docs/_templates", "docs/figures", "**/.ipynb_checkpoints",
]
templates_path = ["docs/_templates"]

# --- Notebook execution (MyST-NB) --------------------------------------------
# Seconds each page took to read (its code's execution included) in a parallel build on
# two cores; balanced_reading shares the pages out between readers by them. Only the
# ratios matter, and a stale value costs time, not correctness. Pages not listed: 2 s.
reading_seconds = {
    "docs/char_model": 26, "docs/vanishing_gradients": 22, "docs/making_it_fast": 11,
    "docs/lstm_backward": 10, "docs/gradient_checking": 5, "docs/errata": 4,
    "docs/api": 4, "docs/lstm_forward": 4, "docs/gru": 3,
    "docs/glossary": 0.5, "docs/bibliography": 0.5,
}
nb_execution_mode = "force"  # every page that is read is executed: no stale cache
nb_execution_timeout = 120
nb_execution_raise_on_error = False  # a cell that raises is a warning, fatal under -W ...
nb_execution_show_tb = True  # ... and the log shows its traceback
nb_execution_allow_errors = False  # cells tagged raises-exception may still raise
nb_merge_streams = True
# text/markdown outputs (course comparison tables, tables with math) render as MyST,
# which has tables; MyST-NB's default, CommonMark, shows them as raw pipes.
nb_render_markdown_format = "myst"
book_package_dirs = ["rnnbook"]  # package_dependencies: pages depend on these files
api_links_require_explained = True  # api_links: every documented function has a chapter

# The LaTeX builder takes no SVG by default; plots are SVG outputs, and the
# converter turns them into PDF, so they stay vectors in the book's PDF.
nb_mime_priority_overrides = [("latex", "image/svg+xml", 15)]

# --- Workbooks (docs/_ext/workbooks.py) ----------------------------------------
workbook_functions = "rnnbook.grader.GRADABLE"  # a chapter may teach what check() grades
workbook_check = "rnnbook.check"  # the grader the workbooks import
workbook_guide = "do-it-yourself"  # the section that explains the grader's reports
workbook_archive = "rnnbook-workbooks"  # _downloads/workbooks/rnnbook-workbooks.zip
# Links from a workbook to the book's pages are relative to the workbook's place in the
# site; set the address the book is served at to make them absolute.
workbook_book_url = ""

# --- MyST ------------------------------------------------------------------
myst_enable_extensions = [
    "amsmath",
    "colon_fence",
    "deflist",
    "dollarmath",
    "substitution",
]
myst_dmath_double_inline = True
myst_heading_anchors = 3
numfig = True
math_numfig = True
math_eqref_format = "({number})"

# --- References (sphinxcontrib-bibtex) -------------------------------------------
bibtex_bibfiles = ["docs/references.bib"]
bibtex_default_style = "plain"  # entries sorted by author
bibtex_reference_style = "author_year_round"  # {cite:p}: (Elman, 1990); {cite:t}: Elman (1990)


def _round_brackets():
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class AuthorYearRound(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year citations, in round brackets, not square."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round_brackets)


register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_round", AuthorYearRound)

# --- API reference (autodoc + napoleon for numpydoc docstrings) ----------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_preserve_defaults = True
add_module_names = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autosummary_generate = False

# --- Copy buttons: runnable code only ------------------------------------------
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True
copybutton_copy_empty_lines = False
# Code blocks and cell inputs get a button; cell outputs (div.output) do not.
copybutton_selector = "div:not(.output) > div.highlight > pre"

# --- HTML ----------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "rnnbook: recurrent networks from scratch"
html_static_path = ["docs/_static"]
html_css_files = ["rnnbook.css"]
html_favicon = "docs/_static/favicon.svg"  # also stops the browser asking for /favicon.ico
html_last_updated_fmt = None
html_show_sphinx = False
html_copy_source = True
html_sourcelink_suffix = ""  # .md sources download as .md, not .md.txt
html_domain_indices = False  # no Python module index page: the API chapter is one
# The general index (genindex.html) is built all the same; every page's sidebar links it,
# after the book's contents (docs/_templates/index-link.html).
html_sidebars = {"**": ["navbar-logo.html", "icon-links.html", "search-button-field.html",
                        "sbt-sidebar-nav.html", "index-link.html"]}
# pydata-sphinx-theme logs "Got invalid theme mode" to the console on a first visit
# (nothing in localStorage yet) unless a default mode is set.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_sidenotes": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # The sidebar has a search field already; this drops the header's duplicate.
    "navbar_persistent": [],
}

# --- Hover previews (sphinx-tippy, through docs/_ext/hover_previews.py) -------------
# Its scripts come from the site (docs/_static/vendor/), not from its default CDN, and
# it looks nothing up on the network while the book builds.
tippy_js = ("vendor/popper/popper.min.js", "vendor/tippy/tippy-bundle.umd.min.js")
tippy_enable_wikitips = False
tippy_enable_doitips = False
tippy_rtd_urls = []
tippy_enable_mathjax = True  # equations in previews are typeset when they open
tippy_anchor_parent_selector = "article.bd-article"  # the chapter's text, not the menus
tippy_props = {
    "placement": "auto-start",
    "maxWidth": 500,
    # The pointer can move onto the preview without closing it, and follow its links.
    "interactive": True,
    "theme": "rnnbook",  # its colours: docs/_static/rnnbook.css
    "delay": [200, 100],  # ms before it opens, before it closes
}

# --- PDF (LaTeX builder, XeLaTeX) -----------------------------------------------
# `make book` runs this builder after the HTML one, on the same doctrees: nothing is
# read or executed twice. docs/_ext/book_pdf.py turns the toctree captions into parts
# and links every HTML page to the PDF.
latex_engine = "xelatex"
latex_documents = [
    (root_doc, "rnnbook.tex", "Recurrent neural networks from scratch", author, "manual"),
]
latex_toplevel_sectioning = "part"
latex_domain_indices = False  # no Python module index: the API chapter is one
# Figures, tables and equations numbered through the whole book, as on the site, so
# "equation (21)" is the same equation in both.
numfig_secnum_depth = 0
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "extraclassoptions": "openany,oneside",  # read on a screen: no blank pages
    "sphinxsetup": "hmargin={2cm,2cm}, vmargin={2.2cm,2.2cm}",
    # DejaVu Sans Mono: legible at small sizes, and has every character the code and
    # its outputs print (FreeMono's oblique lacks the return symbol the samples use).
    "fontpkg": r"""
\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, ItalicFont=*Italic,
  BoldFont=*Bold, BoldItalicFont=*BoldItalic]
\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique,
  BoldFont=*Bold, BoldItalicFont=*BoldOblique]
\setmonofont{DejaVu Sans Mono}[Scale=0.8]
""",
    "preamble": r"""
% The first toctree's caption ("Front matter") is not a name for the contents.
\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}
% Parts and chapters in the table of contents; sections are in the PDF bookmarks.
\setcounter{tocdepth}{0}
% Tables squeeze no column below 75pt, so a short name in code ("a_next[4]") beside
% long printed arrays keeps its width instead of running into the next column.
\setlength{\tymin}{75pt}
% In the index, a name from the API (Sphinx follows it with "(in module ...)", "(class
% in ...)") stays in typewriter, as in the text; an idea ("cell state") is set in the
% text face, not in typewriter as if it were code (Sphinx's default for every entry).
\makeatletter
\def\sphinxstyleindexentry#1{\@ifnextchar\sphinxstyleindexextra{\texttt{#1}}{#1}}
\makeatother
% The citations sit in the References chapter (docs/_ext/book_pdf.py), which is their
% heading; they are cited by author and year, so their list shows no [n] labels.
\makeatletter
\renewenvironment{sphinxthebibliography}[1]
  {\list{}{\setlength{\leftmargin}{1.5em}\setlength{\itemindent}{-\leftmargin}%
           \setlength{\labelwidth}{0pt}\setlength{\labelsep}{0pt}%
           \setlength{\itemsep}{0.4\baselineskip}\usecounter{enumiv}}%
   \renewcommand{\@biblabel}[1]{}\sloppy\raggedright}
  {\endlist}
\makeatother
""",
    # The index (of the glossary's terms, the key ideas and the API, as on the site's
    # Index page) closes the book, not its last part: in the PDF's outline its bookmark
    # sits beside the parts, not under "For contributors".
    "printindex": r"""
\makeatletter\def\toclevel@chapter{-1}\makeatother
% Ragged right: a long entry ("check_lstm_cell_backward() (in module ...)") would
% otherwise be stretched across its narrow column, word by word.
\raggedright
\printindex
""",
}
