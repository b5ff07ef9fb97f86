"""Give the site's root an ``index.html`` that forwards to the front page.

The book's root document is ``docs/index``, so without this ``python -m http.server``
would open on a directory listing.
"""

from pathlib import Path

REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={url}">{icon}
</head><body><p><a href="{url}">{title}</a></p></body></html>
"""


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
    app.connect("build-finished", write_root_redirect)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
