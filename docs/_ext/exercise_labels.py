"""In the PDF, every exercise answers to the name that Sphinx's references look for.

sphinx-exercise (1.2) labels an exercise ``exercise:<label>`` in LaTeX and points its
own numbered references there. The link in a solution's title ("Solution to
Exercise 3") and a ``{ref}`` to an exercise are Sphinx references, though, which
LaTeX looks up as ``<page>:<label>``: left alone, each is an unresolved reference in
the PDF. This LaTeX-only post-transform puts that second label in front of every
exercise, so that both kinds of link land on it. The HTML output needs nothing.
"""

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import is_exercise_node


class ExerciseLabels(SphinxPostTransform):
    formats = ("latex",)
    default_priority = 30  # after sphinx-exercise's own post-transforms (up to 22)

    def run(self):
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in list(self.document.findall(is_exercise_node)):
            entry = registry.get(node.get("label"))
            if entry is None:
                continue
            name = f"{entry['docname']}:{node['label']}"
            label = nodes.raw("", rf"\phantomsection\label{{\detokenize{{{name}}}}}" + "\n",
                              format="latex")
            node.parent.insert(node.parent.index(node), label)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_post_transform(ExerciseLabels)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
