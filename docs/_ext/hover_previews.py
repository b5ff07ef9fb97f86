"""Hover previews of glossary terms and cross-references, from the site alone.

Hovering (or focusing) a link to a glossary term, a section, an equation, a figure or
an API entry shows a preview of its target. The previews come from sphinx-tippy,
configured in conf.py through its settings only:

- its scripts (Popper and Tippy.js) are served from the site: ``docs/_static/vendor/``
  holds them with their licences (see the README there), where sphinx-tippy would
  load them from a CDN;
- its Wikipedia and DOI look-ups, which would fetch data while the book builds, are
  off;
- MathJax (served by ``offline_mathjax``) typesets an equation in a preview when the
  preview opens;
- previews attach to links in the chapter's text only, not to the navigation;
- ``docs/_static/hover_previews.js`` sets what sphinx-tippy has no option for, through
  Tippy's own defaults: valid markup in the previews, Escape closes them.

sphinx-tippy gathers each page's targets while the HTML builder writes the page and
turns them into one script per page when the build ends. With parallel writing
(``-j``), pages are written by worker processes, and what sphinx-tippy gathered there
would be lost with the worker (sphinx-tippy issue 9). So each page's data is also
saved to a file as soon as sphinx-tippy has gathered it, and read back into the main
process when the build ends, before sphinx-tippy writes the scripts. Writing stays
parallel: on two cores it takes about half the time it takes serially. The LaTeX
builder ignores all of it.
"""

import pickle
import shutil
from pathlib import Path

from sphinx_tippy import get_tippy_data

# After sphinx-tippy's own handlers (priority 500): its page data exists by then, and
# is read back before it writes the scripts.
SAVE_PRIORITY = 600
LOAD_PRIORITY = 400


def saved_pages(app):
    """The folder of this build's saved page data (next to the doctrees)."""
    return Path(app.doctreedir) / "hover_previews"


def start_build(app):
    """Drop the page data of an earlier build: only pages written now are read back."""
    shutil.rmtree(saved_pages(app), ignore_errors=True)


def save_page(app, pagename, templatename, context, doctree):
    """Save what sphinx-tippy gathered on this page, in whichever process wrote it."""
    pages = get_tippy_data(app)["pages"] if app.builder.format == "html" else {}
    if pagename in pages:
        path = saved_pages(app) / f"{pagename}.pickle"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(pages[pagename]))


def load_pages(app, exception):
    """Give sphinx-tippy, in the main process, the data of every page written."""
    if exception or app.builder.format != "html":
        return
    pages = get_tippy_data(app)["pages"]
    for path in sorted(saved_pages(app).rglob("*.pickle")):
        pagename = path.relative_to(saved_pages(app)).with_suffix("").as_posix()
        pages[pagename] = pickle.loads(path.read_bytes())


def setup(app):
    app.setup_extension("sphinx_tippy")
    app.connect("builder-inited", start_build)
    app.connect("html-page-context", save_page, priority=SAVE_PRIORITY)
    app.connect("build-finished", load_pages, priority=LOAD_PRIORITY)
    # After Tippy's scripts (priority 500, added per page by sphinx-tippy), before the
    # previews are made (when the page has loaded).
    app.add_js_file("hover_previews.js", loading_method="defer", priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
