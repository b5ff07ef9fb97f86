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
turns them into one script per page when the build ends. Pages written by parallel
worker processes would lose what was gathered there (sphinx-tippy issue 9), so this
extension has the HTML builder write its pages in the main process; reading and
executing the chapters stays parallel. (Declaring the extension unsafe for parallel
writing would do the same with a warning, fatal under ``-W``.) The LaTeX builder
ignores all of it.
"""

from sphinx.util import logging

logger = logging.getLogger(__name__)


def write_serially(app, builder):
    """sphinx-tippy's data must stay in this process: no parallel writing."""
    if builder.format == "html" and builder.parallel_ok:
        logger.info("hover_previews: writing the pages serially (sphinx-tippy)")
        builder.parallel_ok = False


def setup(app):
    app.setup_extension("sphinx_tippy")
    app.connect("write-started", write_serially)
    # After Tippy's scripts (priority 500, added per page by sphinx-tippy), before the
    # previews are made (when the page has loaded).
    app.add_js_file("hover_previews.js", loading_method="defer", priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
