"""Show each figure's ``*-dark.svg`` twin in the theme's dark mode.

A chapter names only the light drawing (``{figure} _static/figures/x-light.svg``);
this extension puts ``x-dark.svg`` next to it inside one wrapper, classes the two
images ``only-light``/``only-dark`` (pydata-sphinx-theme shows one per mode), and
keeps the figure's single caption and number. The wrapper matters: the theme also
hides any ``figcaption`` that follows an ``.only-light`` image as a sibling.
"""

from docutils import nodes


def add_dark_twins(app, doctree):
    """Pair every HTML figure drawn from ``*-light.svg`` with its ``*-dark.svg``."""
    if app.builder.format != "html":
        return
    for fig in doctree.findall(nodes.figure):
        img = next(iter(fig.findall(nodes.image)), None)
        if img is None or not img["uri"].endswith("-light.svg"):
            continue
        if {"only-light", "only-dark"} & set(img["classes"]):
            continue  # a hand-made pair: leave it alone
        dark = img.deepcopy()
        dark["uri"] = img["uri"].removesuffix("-light.svg") + "-dark.svg"
        wrapper = nodes.container(classes=["themed-figure"])
        img.parent.replace(img, wrapper)  # not replace_self(): it would copy img's classes
        img["classes"].append("only-light")
        dark["classes"].append("only-dark")
        wrapper += [img, dark]


def setup(app):
    # before Sphinx's image collector (priority 500), so the twin is copied too
    app.connect("doctree-read", add_dark_twins, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
