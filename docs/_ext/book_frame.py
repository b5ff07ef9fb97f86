"""Build plumbing of the rnnbook book: re-execution, notebook downloads, root page.

* Every notebook page depends on every file of the package it imports
  (``book_package_dirs``), so an incremental build re-reads, and with
  ``nb_execution_mode = "force"`` re-executes, the pages after any package edit.
  Sphinx cannot see ``import rnnbook`` inside a code cell by itself.
* Each notebook page gets an ``.ipynb`` entry in the theme's download menu: the
  executed notebook from ``jupyter_execute/`` is copied next to the page sources.
* Notebook kernels talk over Unix sockets, not TCP: with parallel builds (and
  other builds on the machine) a kernel's TCP port could be taken between the
  moment it is picked and the moment the kernel binds it ("Address already in
  use", then "Kernel didn't respond"). MyST-NB offers no kernel manager setting,
  so the default of nbclient's ``NotebookClient`` is set here.
* When the root document is not ``index``, the site root gets an ``index.html``
  that forwards to it, so ``python -m http.server`` opens on the front page.
"""

import os
import shutil
import tempfile
import uuid
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def package_files(app):
    """Every file of the book's packages, as absolute paths."""
    root = Path(app.confdir)
    return sorted(
        path
        for folder in app.config.book_package_dirs
        for path in (root / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def is_notebook(source):
    """Whether a page's text is a MyST notebook (jupytext front matter with a kernel)."""
    if not source.startswith("---"):
        return False
    front_matter = source.split("\n---", 1)[0]
    return "kernelspec:" in front_matter


def note_package_dependencies(app, docname, source):
    if is_notebook(source[0]):
        for path in package_files(app):
            app.env.note_dependency(str(path), docname=docname)


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


REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={url}">{icon}
</head><body><p><a href="{url}">{title}</a></p></body></html>
"""


def use_ipc_kernels():
    from jupyter_client import AsyncKernelManager
    from nbclient import client
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _socket_path_prefix(self):
            # Absolute: the kernel runs in the notebook's folder, the client elsewhere.
            return os.path.join(tempfile.gettempdir(), f"book-kernel-{uuid.uuid4().hex[:16]}")

    original = client.NotebookClient.__init__
    if getattr(original, "book_frame_ipc", False):
        return

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", IPCKernelManager)
        original(self, *args, **kwargs)

    __init__.book_frame_ipc = True
    client.NotebookClient.__init__ = __init__


def write_root_redirect(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    root_doc = app.config.root_doc
    if root_doc == "index":
        return
    url = app.builder.get_target_uri(root_doc)
    favicon = app.config.html_favicon
    # Without an icon link, browsers ask for /favicon.ico: a 404 in the console.
    icon = f'\n<link rel="icon" href="_static/{Path(favicon).name}">' if favicon else ""
    page = REDIRECT.format(title=app.config.project, url=url, icon=icon)
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app):
    app.add_config_value("book_package_dirs", [], "env", types=[list])
    use_ipc_kernels()
    app.connect("source-read", note_package_dependencies)
    app.connect("html-page-context", offer_ipynb_download, priority=400)
    app.connect("build-finished", write_root_redirect)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
