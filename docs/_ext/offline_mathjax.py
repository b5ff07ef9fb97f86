"""Serve MathJax from the built site, so that math renders with no network.

Sphinx loads MathJax from a CDN by default. This extension points ``mathjax_path``
at ``_static/mathjax/tex-chtml.js`` and, after each HTML build, copies the few
MathJax 3 files that script loads (TeX extensions, CHTML fonts, menu) from the
pip package ``django-static-mathjax`` into the output. Nothing is vendored in git.
"""

import shutil
from importlib.util import find_spec
from pathlib import Path

from sphinx.errors import ExtensionError

SCRIPT = "tex-chtml.js"
# What tex-chtml.js fetches at run time, relative to MathJax's es5 folder.
RUNTIME_PARTS = (SCRIPT, "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui")


def mathjax_source():
    """The es5 folder of the installed MathJax 3 distribution."""
    spec = find_spec("mathjax")
    es5 = Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    if es5 is None or not (es5 / SCRIPT).is_file():
        raise ExtensionError(
            "offline_mathjax: MathJax files not found; install the docs extra "
            "(pip install -e '.[docs]'), which brings django-static-mathjax"
        )
    return es5


def _copy_if_changed(source, target):
    if target.exists() and target.stat().st_size == source.stat().st_size \
            and target.stat().st_mtime >= source.stat().st_mtime:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    es5 = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    _copy_if_changed(es5.parent / "LICENSE", target / "LICENSE")
    for part in RUNTIME_PARTS:
        source = es5 / part
        for file in [source] if source.is_file() else sorted(source.rglob("*")):
            if file.is_file():
                _copy_if_changed(file, target / file.relative_to(es5))


def use_local_mathjax(app, config):
    mathjax_source()  # fail early, before an hour of execution, if MathJax is missing
    config.mathjax_path = f"mathjax/{SCRIPT}"


def setup(app):
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
