"""Sphinx configuration of the rnnbook book (MyST-NB + sphinx-book-theme).

Build: ``make book`` or
``python -m sphinx -T -W --keep-going -j 3 -b html -d _build/doctrees . _build/html``.
The chapters live in ``docs/``; the book's own Sphinx extensions in ``docs/_ext/``.
"""

import os
import sys
from pathlib import Path

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
    "root_redirect",  # docs/_ext: the site's root forwards to the front page
    "api_links",  # docs/_ext: {explains} role, chapter <-> API links
    "chapter_order",  # docs/_ext: no chapter runs a function a later chapter explains
    "themed_figures",  # docs/_ext: each *-light.svg figure shows its *-dark.svg twin in dark mode
    "code_include",  # docs/_ext: an included function shows its docstring's summary only
    "workbooks",  # docs/_ext: each course chapter as a notebook to fill in; {your-turn}
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
