"""Two-way links between the chapters and the API reference.

In a chapter, the role ``{explains}`rnnbook.rnn_cell_forward``` renders like
``{func}`` (a link to the function's API entry; like ``{obj}``, with no parentheses, for
a class or a table) and also records that this place
of this chapter is where the function is explained. Every function and class on
the API page then ends with "Explained in: <chapter>", linking back to that place.

Names exported by ``rnnbook/__init__.py`` may be written short
(``rnnbook.rnn_cell_forward``) although the API page documents them in their
module (``rnnbook.cell.rnn_cell_forward``): Python references to ``rnnbook.*``
resolve to the object the name imports. In the book's pages, a reference to an
``rnnbook`` name that the API page does not document is a build warning (an error
under ``-W``); in docstrings only when its module is on the API page, since
docstrings may point at modules not listed there yet.

Set ``api_links_require_explained = True`` to warn about every documented
function or class that no chapter explains.
"""

import importlib
import inspect
import re

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

logger = logging.getLogger(__name__)

PACKAGE = "rnnbook"
DOCUMENTED = ("function", "class")


class explained_in(nodes.General, nodes.Element):
    """Placeholder at the end of an API entry; replaced once all chapters are read."""


def _explains(env):
    if not hasattr(env, "api_links_explains"):
        env.api_links_explains = {}  # docname -> [(target, anchor id)]
        env.api_links_pages = set()  # docnames holding explained_in placeholders
    return env.api_links_explains


_MISSING = object()


def _imported(target):
    """The object a dotted name (``rnnbook.x``, ``rnnbook.module.x``) names, or _MISSING."""
    head, _, rest = target.partition(".")
    try:
        obj = importlib.import_module(head)
        for part in rest.split(".") if rest else []:
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return _MISSING
    return obj


def canonical_name(env, target):
    """The documented name of ``target`` (``rnnbook.x`` -> ``rnnbook.module.x``), or None."""
    objects = env.domains["py"].objects
    if target in objects:
        return target
    obj = _imported(target)
    if obj is _MISSING:
        return None
    if inspect.ismodule(obj):
        name = obj.__name__
    else:
        name = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
    return name if name in objects else None


def title_and_target(text):
    """A role's text, ``title <target>`` or ``target``: ``(title or None, target)``."""
    match = re.fullmatch(r"(.*?)\s*<([^<>]+)>", text.strip(), flags=re.DOTALL)
    return (match[1], match[2]) if match else (None, text.strip())


def _is_routine(text):
    """Whether the role's target (``rnnbook.x``, ``~rnnbook.x``, ``title <rnnbook.x>``)
    is a function: it then reads ``x()``, as ``{func}`` writes it; a class or a table
    reads ``x``. An unknown target is left to the Python domain's warning."""
    obj = _imported(title_and_target(text)[1].lstrip("~"))
    return obj is _MISSING or inspect.isroutine(obj)


def explains_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    env = inliner.document.settings.env
    kind = "func" if _is_routine(text) else "obj"
    py_role = env.domains["py"].role(kind)
    result, messages = py_role(kind, rawtext, text, lineno, inliner, options or {}, content)
    xref = next(iter(result[0].findall(addnodes.pending_xref)), None)
    if xref is None:
        return result, messages
    target = xref["reftarget"]
    anchor = make_id(env, inliner.document, "explains", target)
    # The anchor is a target node, not an id of the wrapper: the LaTeX writer makes
    # labels for targets, and ignores the ids of inline nodes.
    mark = nodes.target("", "", ids=[anchor])
    inliner.document.note_explicit_target(mark)
    wrapper = nodes.inline("", "", mark, *result, classes=["explains"])
    _explains(env).setdefault(env.docname, []).append((target, anchor))
    return [wrapper], messages


class ExplainedIn(SphinxDirective):
    """``.. explained-in:: rnnbook.module.name``: added to each docstring by autodoc."""

    required_arguments = 1

    def run(self):
        _explains(self.env)
        self.env.api_links_pages.add(self.env.docname)
        return [explained_in(target=self.arguments[0])]


def _summary(obj):
    """First line of a docstring, reST roles reduced to their text."""
    line = (inspect.getdoc(obj) or "").split("\n", 1)[0]
    line = re.sub(r":[\w:]+:`~?([^`<]+?)(?: <[^>]+>)?`", r"\1", line)
    return line.replace("``", "")


class ExportedNames(SphinxDirective):
    """``exported-names:: rnnbook``: a table of ``__all__``, each name linked to its entry.

    Read from the package at build time, so the table follows ``__init__.py``.
    """

    required_arguments = 1

    def run(self):
        module = importlib.import_module(self.arguments[0])
        self.env.note_dependency(module.__file__)
        tbody = nodes.tbody()
        for name in module.__all__:
            link = addnodes.pending_xref(
                "", nodes.literal(name, name), refdomain="py", reftype="obj",
                reftarget=f"{module.__name__}.{name}", refexplicit=True,
                refdoc=self.env.docname)
            cells = [nodes.paragraph("", "", link),
                     nodes.paragraph("", _summary(getattr(module, name)))]
            tbody += nodes.row("", *[nodes.entry("", cell) for cell in cells])
        group = nodes.tgroup("", nodes.colspec(colwidth=30), nodes.colspec(colwidth=70),
                             tbody, cols=2)
        return [nodes.table("", group, classes=["autosummary", "longtable"])]


def add_placeholder(app, what, name, obj, options, lines):
    if what in DOCUMENTED and name.startswith(f"{PACKAGE}."):
        lines.extend(["", f".. explained-in:: {name}", ""])


def places_explaining(app, name):
    env = app.env
    found = []
    for docname, entries in sorted(_explains(env).items()):
        for target, anchor in entries:
            if canonical_name(env, target) == name:
                found.append((docname, anchor))
    return found


def backlink(app, fromdocname, docname, anchor):
    uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + anchor
    title = app.env.titles[docname].astext()
    return nodes.reference("", "", nodes.Text(title), internal=True, refuri=uri)


def resolve_placeholders(app, doctree, fromdocname):
    for node in list(doctree.findall(explained_in)):
        name = canonical_name(app.env, node["target"]) or node["target"]
        places = places_explaining(app, name)
        if not places:
            if app.config.api_links_require_explained:
                logger.warning("%s is explained in no chapter: add {explains}`%s` to the "
                               "chapter that explains it", name, name, location=node)
            node.replace_self([])
            continue
        paragraph = nodes.paragraph("", "Explained in: ")
        for i, (docname, anchor) in enumerate(places):
            paragraph += nodes.Text(", " if i else "")
            paragraph += backlink(app, fromdocname, docname, anchor)
        node.replace_self(addnodes.seealso("", paragraph, classes=["explained-in"]))


def resolve_package_alias(app, env, node, contnode):
    """Resolve ``rnnbook.name`` (and bare names inside rnnbook modules) to the documented object."""
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    in_package = (node.get("py:module") or "").startswith(PACKAGE)
    if not target.startswith(f"{PACKAGE}.") and not (in_package and "." not in target):
        return None
    candidate = target if target.startswith(f"{PACKAGE}.") else f"{PACKAGE}.{target}"
    name = canonical_name(env, candidate)
    if name:
        domain = env.domains["py"]
        return domain.resolve_xref(env, node["refdoc"], app.builder, "obj", name, node, contnode)
    if target.startswith(f"{PACKAGE}.") and _should_warn(env, node, target):
        logger.warning("reference to %s: no such object on the API page (docs/api.md); "
                       "a module missing there needs an automodule", target,
                       location=node, type="api_links")
    return None


def _should_warn(env, node, target):
    """Always in the book's pages; in docstrings only for a module the API page documents.

    Docstrings may point at modules the API page does not list yet; a chapter may not.
    """
    if ":docstring of " not in (node.source or ""):
        return True
    modules = env.domains["py"].modules
    parts = target.split(".")
    return any(".".join(parts[:n]) in modules for n in range(len(parts) - 1, 1, -1))


def purge(app, env, docname):
    _explains(env).pop(docname, None)
    env.api_links_pages.discard(docname)


def merge(app, env, docnames, other):
    mine, theirs = _explains(env), _explains(other)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]
        if docname in other.api_links_pages:
            env.api_links_pages.add(docname)


def remember_reading(app, env, docnames):
    app.api_links_read_any = bool(docnames)


def rewrite_api_pages(app, env):
    # The API page's back-links depend on every chapter: write it again whenever
    # any page was read, even if the API page itself was not.
    if getattr(app, "api_links_read_any", False):
        return sorted(env.api_links_pages)
    return []


def setup(app):
    app.add_config_value("api_links_require_explained", False, "env", types=[bool])
    app.add_node(explained_in)
    app.add_role("explains", explains_role)
    app.add_directive("explained-in", ExplainedIn)
    app.add_directive("exported-names", ExportedNames)
    app.connect("autodoc-process-docstring", add_placeholder, priority=600)
    app.connect("doctree-resolved", resolve_placeholders)
    app.connect("missing-reference", resolve_package_alias)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-before-read-docs", remember_reading)
    app.connect("env-get-updated", rewrite_api_pages)
    return {"version": "1.0", "env_version": 1,
            "parallel_read_safe": True, "parallel_write_safe": True}
