"""Fail the build when a chapter runs a package function before the book explains it.

A reader goes through the chapters in the order of the book's table of contents.
Each chapter's code cells are read (not run) for calls of documented ``rnnbook``
functions and classes; each call must be explained (``{explains}``, see
``api_links``) in that chapter or in an earlier one. A call explained only later, or
nowhere, is a warning, an error under ``-W``:

    docs/loss.md: calls rnnbook.model.run, which is explained only later, in char_model

Calls are found by name: ``rnnbook.f(...)``, ``module.f(...)`` after ``from rnnbook
import module``, and ``f(...)`` after ``from rnnbook.module import f``. A function
passed around without being called here (``map(f, ...)``) is not counted.
"""

import ast
import re

from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.util import logging

from api_links import PACKAGE, canonical_name
from package_dependencies import is_notebook

logger = logging.getLogger(__name__)

MAGIC = re.compile(r"^\s*[%!]", re.MULTILINE)  # IPython magics: not Python


def _aliases(tree):
    """Names bound by the imports of one cell: local name -> dotted target."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    local = alias.asname or alias.name.split(".")[0]
                    found[local] = alias.name if alias.asname else PACKAGE
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == PACKAGE:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def _dotted(node):
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def called_targets(sources):
    """Every ``rnnbook`` name that the code cells ``sources`` call, in order of first call.

    Imports carry over from one cell to the next, as in a notebook.
    """
    aliases, calls = {}, []
    for source in sources:
        for tree in _trees(MAGIC.sub("pass  #", source)):
            aliases.update(_aliases(tree))
            _add_calls(tree, aliases, calls)
    return calls


def _trees(source):
    """The cell's syntax tree, or, for a cell that does not parse, each line's that does.

    A cell that shows an error on purpose may not even parse; its imports still count.
    """
    try:
        return [ast.parse(source)]
    except SyntaxError:
        trees = []
        for line in source.splitlines():
            try:
                trees.append(ast.parse(line.strip()))
            except SyntaxError:
                pass
        return trees


def _add_calls(tree, aliases, calls):
    """Append to ``calls`` every rnnbook name called in ``tree``, resolved by ``aliases``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name is None:
                continue
            head, _, rest = name.partition(".")
            if head in aliases:
                target = aliases[head] + (f".{rest}" if rest else "")
                if target not in calls:
                    calls.append(target)


def _calls(env):
    if not hasattr(env, "chapter_order_calls"):
        env.chapter_order_calls = {}  # docname -> [target]
    return env.chapter_order_calls


def record_calls(app, docname, source):
    if not is_notebook(source[0]):
        return
    notebook = read_myst_markdown_notebook(source[0])
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    _calls(app.env)[docname] = called_targets(sources)


def reading_order(env):
    """The documents in the order of the table of contents, from the root document."""
    order, seen = [], set()

    def visit(docname):
        if docname in seen:
            return
        seen.add(docname)
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    return order


def check_order(app, env):
    order = reading_order(env)
    position = {docname: i for i, docname in enumerate(order)}
    first_explained = {}
    for docname, entries in getattr(env, "api_links_explains", {}).items():
        for target, _ in entries:
            name = canonical_name(env, target)
            if name and docname in position:
                known = first_explained.get(name)
                if known is None or position[docname] < position[known]:
                    first_explained[name] = docname
    for docname in order:
        for target in _calls(env).get(docname, []):
            name = canonical_name(env, target)
            if name is None:
                continue  # not documented: a module, a constant, or not rnnbook's
            where = first_explained.get(name)
            if where is None or position[where] > position[docname]:
                later = f"only later, in {where}" if where else "in no chapter"
                logger.warning("%s: calls %s, which is explained %s",
                               env.doc2path(docname), name, later,
                               location=docname, type="chapter_order")


def purge(app, env, docname):
    _calls(env).pop(docname, None)


def merge(app, env, docnames, other):
    mine, theirs = _calls(env), _calls(other)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def setup(app):
    app.setup_extension("api_links")
    app.connect("source-read", record_calls)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_order)
    return {"version": "1.0", "env_version": 1,
            "parallel_read_safe": True, "parallel_write_safe": True}
