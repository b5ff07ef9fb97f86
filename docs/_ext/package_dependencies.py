"""Re-execute the chapters when the package changes.

Sphinx re-reads a page when a file it depends on changes, but it cannot see
``import rnnbook`` inside a code cell. Every notebook page is therefore made to depend
on every file of the packages it imports (``book_package_dirs``), so that an
incremental build re-reads, and with ``nb_execution_mode = "force"`` re-executes, the
pages after any edit of the package.
"""

from pathlib import Path


def is_notebook(source):
    """Whether a page's text is a MyST notebook (jupytext front matter with a kernel)."""
    if not source.startswith("---"):
        return False
    front_matter = source.split("\n---", 1)[0]
    return "kernelspec:" in front_matter


def package_files(app):
    """Every Python file of the book's packages, as absolute paths."""
    root = Path(app.confdir)
    return sorted(
        path
        for folder in app.config.book_package_dirs
        for path in (root / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def note_package_dependencies(app, docname, source):
    if is_notebook(source[0]):
        for path in package_files(app):
            app.env.note_dependency(str(path), docname=docname)


def setup(app):
    app.add_config_value("book_package_dirs", [], "env", types=[list])
    app.connect("source-read", note_package_dependencies)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
