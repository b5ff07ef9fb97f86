"""Offer each chapter's executed notebook in the theme's download menu.

sphinx-book-theme lists an ``.ipynb`` download only when a launch-button provider is
set; it reads the page's ``ipynb_source`` from the template context. This copies the
executed notebook from MyST-NB's ``jupyter_execute/`` next to the page sources and
sets ``ipynb_source``, before the theme builds its header buttons.
"""

import shutil
from pathlib import Path


def executed_notebook(app, pagename):
    # MyST-NB writes executed notebooks beside the output folder.
    path = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    return path if path.is_file() else None


def offer_ipynb_download(app, pagename, templatename, context, doctree):
    """Runs before the theme's header buttons (priority 501), which read ``ipynb_source``."""
    notebook = executed_notebook(app, pagename) if doctree is not None else None
    if notebook is None:
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("html-page-context", offer_ipynb_download, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
