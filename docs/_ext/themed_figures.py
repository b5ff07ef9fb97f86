"""Show each figure's ``*-dark.svg`` twin in the theme's dark mode.

A chapter names only the light drawing (``{figure} _static/figures/x-light.svg``);
in the HTML pages this extension puts ``x-dark.svg`` next to it inside one wrapper,
classes the two images ``only-light``/``only-dark`` (pydata-sphinx-theme shows one per
mode), and keeps the figure's single caption and number. The wrapper matters: the
theme also hides any ``figcaption`` that follows an ``.only-light`` image as a sibling.

The twin is added when an HTML page is written (a post-transform), not when the
page is read: ``make book`` builds the PDF from the doctrees the HTML build read and
stored, and the PDF must show the light drawing only. Reading registers the twin as
an image of the page, so that the HTML builder copies it and an edit to it rebuilds
the page.
"""

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

LIGHT, DARK = "-light.svg", "-dark.svg"


def light_images(doctree):
    """The first image of every figure drawn from ``*-light.svg``, unless hand-paired."""
    for fig in doctree.findall(nodes.figure):
        img = next(iter(fig.findall(nodes.image)), None)
        if img is None or not img["uri"].endswith(LIGHT):
            continue
        if {"only-light", "only-dark"} & set(img["classes"]):
            continue  # a hand-made pair: leave it alone
        yield img


def dark_uri(img):
    return img["uri"].removesuffix(LIGHT) + DARK


def register_dark_twins(app, doctree):
    """Record each twin as an image of the page (path relative to the source dir)."""
    env = app.env
    for img in light_images(doctree):
        env.note_dependency(dark_uri(img))
        env.images.add_file(env.current_document.docname, dark_uri(img))


class AddDarkTwins(SphinxPostTransform):
    """Pair every light figure with its dark twin, in HTML output only."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs):
        for img in list(light_images(self.document)):
            dark = img.deepcopy()
            dark["uri"] = dark_uri(img)
            dark["candidates"] = {"*": dark["uri"]}
            wrapper = nodes.container(classes=["themed-figure"])
            img.parent.replace(img, wrapper)  # not replace_self(): it would copy img's classes
            img["classes"].append("only-light")
            dark["classes"].append("only-dark")
            wrapper += [img, dark]


def setup(app):
    # after Sphinx's image collector (priority 500), which sets each image's uri
    # relative to the source folder
    app.connect("doctree-read", register_dark_twins, priority=600)
    app.add_post_transform(AddDarkTwins)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
