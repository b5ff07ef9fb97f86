"""``literalinclude`` of a function shows its code, not its whole docstring.

A chapter embeds a package function with ``:pyobject:`` to explain its code; the
numpydoc docstring (parameters, shapes, examples) is what the API reference page is
for, and in a chapter it would push the ten lines being taught below the fold. So an
include with ``:pyobject:`` and no line selection keeps only the docstring's summary
line; the ``:docstring:`` flag keeps all of it.
"""

import ast
import textwrap

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralInclude

SELECTIONS = ("lines", "start-at", "start-after", "end-at", "end-before", "emphasize-lines")


def summary_only(source):
    """``source`` (one def or class) with its docstring cut to the summary line."""
    tree = ast.parse(textwrap.dedent(source))
    body = tree.body[0].body if tree.body else []
    docstring = ast.get_docstring(tree.body[0]) if tree.body else None
    if docstring is None:
        return source
    lines = source.splitlines(keepends=True)
    first, last = body[0].lineno - 1, body[0].end_lineno  # 0-based, end exclusive
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    summary = docstring.strip().splitlines()[0]
    prefix = "r" if "\\" in summary else ""
    return "".join(lines[:first] + [f'{indent}{prefix}"""{summary}"""\n'] + lines[last:])


class CodeInclude(LiteralInclude):
    option_spec = {**LiteralInclude.option_spec, "docstring": directives.flag}

    def run(self):
        keep = "docstring" in self.options or "pyobject" not in self.options or any(
            key in self.options for key in SELECTIONS)
        self.options.pop("docstring", None)
        result = super().run()
        if keep:
            return result
        for block in (n for node in result for n in node.findall(nodes.literal_block)):
            text = summary_only(block.astext())
            block.rawsource = text
            block.children = [nodes.Text(text)]
        return result


def setup(app):
    app.add_directive("literalinclude", CodeInclude, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
