"""Workbooks: each course chapter as a notebook in which the reader writes its functions.

A chapter *teaches* a function when it shows the function's code
(``literalinclude`` with ``:pyobject:``), explains it (``{explains}``, see
``api_links``), and the grader knows it (``workbook_functions``). Nothing else says
which chapter teaches what, so a new chapter needs no change here. Its workbook, made
at every HTML build from the chapter's source and the package's, is the chapter as a
Jupyter notebook in which

- a first cell says what to do, and the next imports numpy, the grader
  (``workbook_check``) and the package functions that the taught ones call;
- each taught function is a stub, its signature and its whole docstring from the
  package followed by ``raise NotImplementedError``, with a cell ``check(name)``
  after it;
- the prose stays, turned into the Markdown Jupyter renders (``jupyter_markdown``):
  numbered equations, links to the book's pages, glued numbers from this build, the
  figures embedded;
- the code cells that a learner can run stay (``learner_code``); exercises keep their
  questions and lose their solutions.

The notebooks and a zip of all of them are written into the site's ``_downloads/``.
Two directives link them: ``your-turn``, a chapter's box with its workbook, and
``workbook-list``, every workbook of the book with the archive. A chapter that teaches
a function without a ``your-turn`` box is a build warning, and so is a function of
``workbook_functions`` that no chapter teaches.
"""

import ast
import base64
import importlib
import inspect
import posixpath
import re
import zipfile
from pathlib import Path

import nbformat
from docutils import nodes
from myst_nb.core.read import read_myst_markdown_notebook
from myst_nb.core.variables import format_plain_text
from sphinx import addnodes
from sphinx.directives.code import LiteralIncludeReader
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import jupyter_markdown as md
import learner_code
from api_links import canonical_name, title_and_target
from chapter_order import reading_order
from code_include import summary_only
from package_dependencies import is_notebook

logger = logging.getLogger(__name__)

FOLDER = "workbooks"  # inside the site's _downloads/
LEFT_OUT_TAGS = {"remove-cell", "remove-input", "raises-exception"}
SELECTIONS = ("lines", "start-at", "start-after", "end-at", "end-before")
# Directives with no place in a workbook: the book's own machinery.
LEFT_OUT_DIRECTIVES = {"solution", "your-turn", "workbook-list", "toctree", "eval-rst",
                       "raw", "exported-names", "index", "only"}
NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def _dotted(path):
    """The object at ``package.module.name``."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def gradable(config):
    """The names of the functions a workbook may ask for (``workbook_functions``)."""
    return tuple(_dotted(config.workbook_functions)) if config.workbook_functions else ()


def package_of(config):
    """The package whose functions the workbooks ask for: the grader's."""
    return importlib.import_module(config.workbook_check.split(".")[0])


def graded_functions(config):
    """``{name: function}``: the package's function that the grader grades, by name.

    A name the package exports is that function; otherwise the one function of that
    name among the package's public modules (the gate derivatives of ``gates``).
    """
    package, found = package_of(config), {}
    modules = [getattr(package, name) for name in getattr(package, "__all__", ())
               if inspect.ismodule(getattr(package, name))]
    for name in gradable(config):
        if name in getattr(package, "__all__", ()):
            found[name] = getattr(package, name)
            continue
        defined = [getattr(module, name) for module in modules
                   if getattr(getattr(module, name, None), "__module__", None)
                   == module.__name__]
        if len(defined) == 1:
            found[name] = defined[0]
    return found


def _imported(target):
    """The object a dotted name refers to, or None."""
    head, *rest = target.split(".")
    try:
        obj = importlib.import_module(head)
        for part in rest:
            obj = getattr(obj, part)
    except (ImportError, AttributeError, ValueError):
        return None
    return obj


def stem(docname):
    return posixpath.basename(docname)


def workbook_file(docname):
    """The workbook's path inside ``_downloads/``."""
    return f"{FOLDER}/{stem(docname)}.ipynb"


def archive_file(config):
    return f"{FOLDER}/{config.workbook_archive}.zip"


# ---------------------------------------------------------------------------------
# What each chapter teaches, read from its source


def _data(env):
    if not hasattr(env, "workbook_taught"):
        env.workbook_taught = {}  # docname -> [(function name, include path)]
        env.workbook_boxes = set()  # docnames with a your-turn box
    return env.workbook_taught


EXPLAINS = re.compile(r"\{explains\}`(?:[^`<]*<)?~?([^`>]+)>?`")


def taught_functions(source, graded, module_of_include):
    """``[(name, include path)]``: the functions of ``graded`` that ``source`` teaches.

    ``graded`` maps names to the package's functions; ``module_of_include`` gives the
    module of a ``literalinclude``'s file. A function is taught where its own code is
    included (not a namesake's: the fast versions have the course's names) and the
    function is explained.
    """
    explained = [_imported(target) for target in EXPLAINS.findall(source)]
    taught = []
    for block in md.blocks(source):
        if not isinstance(block, md.Directive) or block.name != "literalinclude":
            continue
        name = block.options.get("pyobject", "")
        function = graded.get(name)
        if (function is None or name in dict(taught)
                or any(key in block.options for key in SELECTIONS)
                or module_of_include(block.argument) != function.__module__
                or not any(obj is function for obj in explained)):
            continue
        taught.append((name, block.argument))
    return taught


def record_taught(app, docname, source):
    taught = _data(app.env)
    taught.pop(docname, None)
    if not is_notebook(source[0]):
        return
    found = taught_functions(
        source[0], graded_functions(app.config),
        lambda include: module_of(app.env.relfn2path(include, docname)[1]))
    if found:
        taught[docname] = found


def purge(app, env, docname):
    _data(env).pop(docname, None)
    env.workbook_boxes.discard(docname)


def merge(app, env, docnames, other):
    mine, theirs = _data(env), _data(other)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]
        if docname in other.workbook_boxes:
            env.workbook_boxes.add(docname)


def workbook_chapters(env):
    """The chapters that have a workbook, in reading order."""
    taught = _data(env)
    return [docname for docname in reading_order(env) if docname in taught]


def check_every_function_is_taught(app, env):
    taught = _data(env)
    for docname in sorted(set(taught) - env.workbook_boxes):
        logger.warning("%s teaches %s but has no {your-turn} box linking its workbook",
                       env.doc2path(docname), ", ".join(name for name, _ in taught[docname]),
                       location=docname, type="workbooks")
    if not app.config.workbook_require_all:
        return
    everywhere = {name for found in taught.values() for name, _ in found}
    for name in gradable(app.config):
        if name not in everywhere:
            logger.warning("%s is graded but taught in no chapter: a chapter teaches it "
                           "with {explains} and a literalinclude :pyobject:", name,
                           type="workbooks")


# ---------------------------------------------------------------------------------
# The directives and their links


class workbook_link(nodes.General, nodes.Inline, nodes.Element):
    """A download link to a file of ``_downloads/workbooks``, made when pages are written."""


class workbook_list(nodes.General, nodes.Element):
    """The table of every workbook, made when pages are written."""


class YourTurn(SphinxDirective):
    """``your-turn``: a box that links the chapter's workbook."""

    has_content = True

    def run(self):
        taught = [name for name, _ in _data(self.env).get(self.env.docname, [])]
        if not taught:
            logger.warning("{your-turn} in a chapter that teaches none of the graded "
                           "functions (workbook_functions)", location=self.get_location())
            return []
        self.env.workbook_boxes.add(self.env.docname)
        box = nodes.admonition(classes=["tip", "your-turn"])
        box += nodes.title("", "Your turn")
        paragraph = nodes.paragraph()
        paragraph += nodes.Text("Write ")
        for i, name in enumerate(taught):
            paragraph += nodes.Text(", " if 0 < i < len(taught) - 1 else
                                    " and " if i else "")
            paragraph += nodes.literal(name, name)
        paragraph += nodes.Text(" yourself. The workbook ")
        paragraph += workbook_link(file=workbook_file(self.env.docname))
        paragraph += nodes.Text(" is this chapter as a notebook in which "
                                + ("each of them is a stub" if len(taught) > 1 else
                                   "it is a stub")
                                + " for you to fill in, followed by a cell that grades it")
        if self.config.workbook_guide:
            paragraph += nodes.Text(" (")
            paragraph += addnodes.pending_xref(
                "", nodes.inline("", ""), refdomain="std", reftype="ref",
                reftarget=self.config.workbook_guide, refexplicit=False, refwarn=True,
                refdoc=self.env.docname)
            paragraph += nodes.Text(")")
        paragraph += nodes.Text(".")
        box += paragraph
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


class WorkbookList(SphinxDirective):
    """``workbook-list``: every workbook of the book, and the archive of all."""

    def run(self):
        return [workbook_list()]


def _download(name, file):
    return addnodes.download_reference("", "", nodes.literal(name, name), refexplicit=True,
                                       reftarget=file, filename=file)


def _list_table(app, fromdocname):
    env, tbody = app.env, nodes.tbody()
    for docname in workbook_chapters(env):
        chapter = nodes.reference("", env.titles[docname].astext(), internal=True,
                                  refuri=app.builder.get_relative_uri(fromdocname, docname))
        functions = nodes.paragraph()
        for i, (name, _) in enumerate(_data(env)[docname]):
            functions += [nodes.Text(", ")] if i else []
            functions += nodes.literal(name, name)
        cells = [nodes.paragraph("", "", chapter), functions,
                 nodes.paragraph("", "", _download(f"{stem(docname)}.ipynb",
                                                  workbook_file(docname)))]
        tbody += nodes.row("", *[nodes.entry("", cell) for cell in cells])
    head = nodes.thead("", nodes.row("", *[nodes.entry("", nodes.paragraph("", text))
                                          for text in ("chapter", "you write", "workbook")]))
    group = nodes.tgroup("", *[nodes.colspec(colwidth=width) for width in (35, 45, 20)],
                         head, tbody, cols=3)
    archive = nodes.paragraph("", "All of them in one archive: ")
    archive += _download(f"{app.config.workbook_archive}.zip", archive_file(app.config))
    archive += nodes.Text(".")
    return [nodes.table("", group, classes=["workbooks"]), archive]


def resolve_links(app, doctree, fromdocname):
    for node in list(doctree.findall(workbook_link)):
        node.replace_self(_download(posixpath.basename(node["file"]), node["file"]))
    for node in list(doctree.findall(workbook_list)):
        node.replace_self(_list_table(app, fromdocname))


# ---------------------------------------------------------------------------------
# A chapter's workbook


class Hooks:
    """What a chapter's roles and directives become in its workbook (``jupyter_markdown``)."""

    def __init__(self, app, docname, taught):
        self.app, self.env, self.docname = app, app.env, docname
        self.taught = dict(taught)  # name -> include path
        self.hidden = False  # inside a solution, which the workbook leaves out
        self.attachments = {}  # file name -> mime bundle of the figures shown
        self.stubs = []  # names, in the order their stubs appear
        self.page = app.builder.get_target_uri(docname)
        self.glue = _glue_data(app, docname)
        self.base = app.config.workbook_book_url or posixpath.relpath(
            ".", posixpath.dirname(f"_downloads/{workbook_file(docname)}")) + "/"

    def warn(self, message):
        logger.warning("workbook of %s: %s", self.docname, message, location=self.docname,
                       type="workbooks")

    # --- links ---------------------------------------------------------------

    def url(self, site_path):
        """A page of the book, from the workbook."""
        return self.base + site_path

    def _resolve(self, domain, typ, target, title=None):
        """Sphinx's own resolution of a reference: ``(text, site path or None)``.

        The site path is None for a target in this chapter, which the workbook holds.
        """
        if domain == "std" and typ == "numref":
            found = self._number(target, title)
            if found is not None:
                return found
        node = addnodes.pending_xref("", refdomain=domain, reftype=typ, reftarget=target,
                                     refexplicit=title is not None, refdoc=self.docname)
        node["py:module"] = node["py:class"] = None
        contnode = nodes.inline(title or target, title or target)
        ref = self.env.domains[domain].resolve_xref(self.env, self.docname, self.app.builder,
                                                    typ, target, node, contnode)
        if ref is None:
            return None
        return ref.astext(), self._site_path(ref)

    def _site_path(self, ref):
        """Where a resolved reference points in the site; None for this chapter."""
        if not isinstance(ref, nodes.reference):
            ref = next(iter(ref.findall(nodes.reference)), None)
        if ref is None or "refuri" not in ref:
            return None
        uri, _, anchor = ref["refuri"].partition("#")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), uri))
        if path == self.page:
            return None
        return path + (f"#{anchor}" if anchor else "")

    def _numbered(self, target):
        """Whether ``target`` labels a numbered figure, table, exercise... (not a section)."""
        return self._kind(target) is not None

    def _kind(self, target):
        """``(page, anchor, kind)`` of a numbered item (not a section); None otherwise."""
        docname, labelid = self.env.domains["std"].anonlabels.get(target, (None, None))
        for figtype, ids in self.env.toc_fignumbers.get(docname, {}).items():
            if figtype != "section" and labelid in ids:
                return docname, labelid, figtype
        return None

    def _number(self, target, title=None):
        """A numbered item as ``{numref}`` shows it ("Exercise 3"): ``(text, site path)``.

        Sphinx's numref resolver reads the target page's doctree back from disk to learn
        what kind of item the label names. ``toc_fignumbers`` says it already, and the
        workbooks make hundreds of these references, at the end of the build, where
        nothing else runs: unpickling the same pages again and again was most of the
        workbooks' time. The text follows Sphinx's rules: the reference's own title or
        ``numfig_format``, new-style (``{number}``, ``{name}``) or old-style (``%s``).
        None for anything else (a section, a ``{name}`` with no caption to fill it):
        that is left to Sphinx, which numbers sections and warns about the rest.
        """
        kind = self._kind(target)
        if kind is None:
            return None
        docname, labelid, figtype = kind
        number = ".".join(map(str, self.env.toc_fignumbers[docname][figtype][labelid]))
        form = title if title is not None else self.app.config.numfig_format.get(figtype, "")
        if "{name}" in form or "number" in form:
            name = self.env.domains["std"].labels.get(target, (None, None, None))[2]
            if name is None and "{name}" in form:
                return None
            text = form.format(name=name, number=number)
        else:
            text = form % number
        if docname == self.docname:
            return text, None
        return text, f"{self.app.builder.get_target_uri(docname)}#{labelid}"

    def reference(self, domain, typ, text, plain="{}"):
        """Markdown for a role that refers to something: a link, or plain text here.

        A ``{ref}`` to a numbered item without a title reads as the book shows it,
        "Exercise 3", not as the item's bare title.
        """
        title, target = title_and_target(text)
        if typ == "ref" and title is None and self._numbered(target):
            typ = "numref"
        found = self._resolve(domain, typ, target, title)
        if found is None:
            self.warn(f"cannot resolve {{{typ}}}`{text}`")
            return title or target
        shown, path = found
        return plain.format(shown) if path is None else f"[{shown}]({self.url(path)})"

    def python(self, role, text):
        title, target = title_and_target(text)
        name = canonical_name(self.env, target.lstrip("~"))
        shown = title or (target.rsplit(".", 1)[-1] if target.startswith("~") else target)
        if name is None:
            return f"`{shown}`"
        entry = self.env.domains["py"].objects[name]
        if role in ("func", "meth", "explains") and entry.objtype in ("function", "method"):
            shown += "()" if not title else ""
        found = self._resolve("py", "obj", name, shown)
        return f"[`{shown}`]({self.url(found[1])})" if found and found[1] else f"`{shown}`"

    # --- roles ---------------------------------------------------------------

    def role(self, name, text):
        if name in ("eq", "numref"):
            return self.reference("math" if name == "eq" else "std", name, text)
        if name in ("ref", "doc"):
            return self.reference("std", name, text, plain="*{}*")
        if name in ("func", "class", "mod", "meth", "obj", "data", "attr", "exc",
                    "explains"):
            return self.python(name, text)
        if name == "math":
            return f"${text}$"
        if name.startswith("cite"):
            return self.citation(name.partition(":")[2] or "p", text)
        if name.startswith("glue"):
            return self.glued(name, text)
        if name in ("term", "abbr", "download"):
            return title_and_target(text)[0] or text.split(" (")[0]
        if name == "kbd":
            return f"<kbd>{text}</kbd>"
        self.warn(f"no Jupyter form for the role {{{name}}}; its text is kept")
        return text

    def citation(self, style, keys):
        """``{cite:p}`` and ``{cite:t}``: the book's text, "(Elman, 1990)", linked to
        the first work's entry on the references page."""
        node = addnodes.pending_xref("", refdomain="cite", reftype=style, reftarget=keys,
                                     refdoc=self.docname)
        result = self.env.domains["cite"].resolve_xref(
            self.env, self.docname, self.app.builder, style, keys, node, nodes.inline())
        text, path = result.astext(), self._site_path(result)
        return f"[{text}]({self.url(path)})" if path else text

    def glued(self, name, text):
        key, _, spec = text.partition(":")
        data = self.glue.get(key, {}).get("data", {})
        if name == "glue:md" and "text/markdown" in data:
            return data["text/markdown"]
        if "text/plain" not in data:
            self.warn(f"no glued value {key!r}")
            return text
        return format_plain_text(data["text/plain"], spec)

    # --- directives ----------------------------------------------------------

    def directive(self, block):
        name = block.name
        if name == "solution-start":
            self.hidden = True
        elif name == "solution-end":
            self.hidden = False
        elif self.hidden or name in LEFT_OUT_DIRECTIVES:
            pass
        elif name == "math":
            return [self.math(block)]
        elif name in ("figure", "image"):
            return [self.figure(block)]
        elif name == "literalinclude":
            return self.include(block)
        elif name == "exercise":
            return [self.exercise(block)]
        elif name in md.ADMONITIONS:
            title = block.argument or name.capitalize()
            return [md.quote(self.inline(title), self.body(block.body))]
        elif name == "dropdown":
            return [md.details(self.inline(block.argument), self.body(block.body))]
        elif name in md.CODE_BLOCKS:
            return [md.code_block(block.argument, block.body)]
        elif name.startswith("glue"):
            return [self.glued("glue:md", block.argument)]
        else:
            self.warn(f"no Jupyter form for the directive {{{name}}}; left out")
        return []

    def inline(self, text):
        return md.inline(text, self)

    def body(self, text):
        return md.markdown_only(md.convert(text, self))

    def math(self, block):
        label = block.options.get("label")
        tag = None
        if label:
            found = self._resolve("math", "eq", label)
            tag = found[0].strip("()") if found else None
        return md.display_math(block.body, tag)

    def figure(self, block):
        _, path = self.env.relfn2path(block.argument, self.docname)
        name, bundle = _attachment(Path(path))
        self.attachments[name] = bundle
        alt = block.options.get("alt", "").replace("[", "(").replace("]", ")")
        image = f"![{alt}](attachment:{name})"
        caption = self.inline(block.body.split("\n\n")[0]) if block.body else ""
        label = block.options.get("name")
        number = self._resolve("std", "numref", label)[0] if label else None
        if caption or number:
            caption = f"*{number}: {caption}*" if number else f"*{caption}*"
            return f"{image}\n\n{caption}"
        return image

    def include(self, block):
        _, path = self.env.relfn2path(block.argument, self.docname)
        name = block.options.get("pyobject")
        if name in self.taught:
            if name in self.stubs:
                return []  # shown once already, as the stub: never the answer
            self.stubs.append(name)
            return [md.Code(stub(path, name), {"workbook": {"stub": name,
                                                          "module": module_of(path)}}),
                    md.Code(f"check({name})", {"workbook": {"check": name}})]
        options = {key: value for key, value in block.options.items()
                   if key in ("pyobject",) + SELECTIONS}
        text, _ = LiteralIncludeReader(path, options, self.app.config).read()
        if name and not any(key in options for key in SELECTIONS):
            text = summary_only(text)
        return [md.code_block(block.options.get("language", "python"), text.rstrip("\n"))]

    def exercise(self, block):
        label = block.options.get("label")
        found = self._resolve("std", "numref", label) if label else None
        title = found[0] if found else "Exercise"
        return f"**{title}.** " + self.body(block.body)


def _glue_data(app, docname):
    """The values the chapter's cells glued in this build (MyST-NB keeps them)."""
    import json

    path = Path(app.env.mystnb_config.output_folder) / f"{docname}.glue.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _attachment(path):
    """A figure as a notebook attachment; SVG drawings get a white background.

    The book's drawings are dark lines on a transparent page; on a dark notebook theme
    they would vanish.
    """
    data = path.read_bytes()
    if path.suffix == ".svg":
        text = data.decode("utf-8")
        end = text.index(">", text.index("<svg")) + 1
        background = '<rect width="100%" height="100%" style="fill:#ffffff;stroke:none"/>'
        data = (text[:end] + background + text[end:]).encode("utf-8")
        mime = "image/svg+xml"
    else:
        mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif"}[path.suffix.lower()]
    return path.name, {mime: base64.b64encode(data).decode("ascii")}


def module_of(path):
    """``.../rnnbook/cell.py`` -> ``rnnbook.cell``: the module a package file defines."""
    folder, names = Path(path).parent, [Path(path).stem]
    while (folder / "__init__.py").is_file():
        names.insert(0, folder.name)
        folder = folder.parent
    return ".".join(names)


def stub(path, name):
    """The function ``name`` of the file ``path``: signature, docstring, then a stub."""
    source = Path(path).read_text(encoding="utf-8")
    function = next(node for node in ast.parse(source).body
                    if isinstance(node, ast.FunctionDef) and node.name == name)
    lines = source.splitlines()
    first = min([function.lineno] + [d.lineno for d in function.decorator_list])
    has_doc = ast.get_docstring(function) is not None
    last = function.body[0].end_lineno if has_doc else function.body[0].lineno - 1
    head = "\n".join(lines[first - 1:last])
    return f"{head}\n    raise NotImplementedError  # replace this line with your code"


def given_functions(app, docname, taught):
    """``{module: [names]}``: the package functions the taught ones call, not taught here.

    Only public functions the package exports, or that the grader grades (their own
    chapter taught them), are given; helpers such as shape checks are not.
    """
    package = package_of(app.config)
    graded = set(gradable(app.config))
    given = {}
    for name, include in taught.items():
        _, path = app.env.relfn2path(include, docname)
        module = importlib.import_module(module_of(path))
        function = next(node for node in ast.parse(Path(path).read_text()).body
                        if isinstance(node, ast.FunctionDef) and node.name == name)
        for used in sorted(learner_code.loaded_names(function)):
            obj = getattr(module, used, None)
            if (used in taught or used.startswith("_") or not callable(obj)
                    or getattr(obj, "__module__", "").split(".")[0] != package.__name__
                    or isinstance(obj, type)):
                continue
            if used in getattr(package, "__all__", ()):
                given.setdefault(package.__name__, []).append(used)
            elif used in graded:
                given.setdefault(obj.__module__, []).append(used)
    return given


def setup_cell(app, docname, taught):
    """The workbook's first code cell: numpy, the grader, the given functions."""
    package, _, check = app.config.workbook_check.rpartition(".")
    lines = ["import numpy as np", "", f"from {package} import {check}"]
    names = {"np", check}
    for module, functions in given_functions(app, docname, taught).items():
        unique = sorted(set(functions))
        lines.append(learner_code.from_import(module, unique))
        names.update(unique)
    return "\n".join(lines), names


def intro_cell(app, docname, taught, given_names):
    links = Hooks(app, docname, {})  # for the links to the book
    title = app.env.titles[docname].astext()
    chapter = links.url(app.builder.get_target_uri(docname))
    functions = ", ".join(f"`{name}`" for name in taught)
    text = [f"# Workbook: {title}", "",
            f"This is the chapter [{title}]({chapter}) of *rnnbook* as a notebook, with "
            f"the functions it teaches left for you to write: {functions}.", "",
            "Each of them is a stub below: its signature and its docstring, which says "
            "what it takes and returns, with every shape. Replace the line "
            "`raise NotImplementedError` with your code, run the cell, then run the "
            "`check(...)` cell after it. It runs your function on the course's test case "
            "and on random problems, and reports what agrees and what does not; a stub "
            "reports \"not implemented yet\"."]
    if app.config.workbook_guide:
        guide = links.role("ref", app.config.workbook_guide)
        text[-1] += f" {guide} explains the report."
    given = sorted(given_names - {"np", app.config.workbook_check.rpartition(".")[2]})
    if given:
        text += ["", "The next cell also imports the package's "
                 + ", ".join(f"`{name}`" for name in given)
                 + ", which your code may call."]
    text += ["", "Run the cells from the top. You need numpy and the `rnnbook` package, "
             "nothing else."]
    return "\n".join(text)


def _without_title(markdown):
    """The chapter's first Markdown without its ``# title`` line (the intro has it)."""
    return re.sub(r"\A\s*# .*\n?", "", markdown, count=1)


def notebook(app, docname):
    """The workbook of ``docname`` as an nbformat notebook."""
    taught = dict(_data(app.env)[docname])
    hooks = Hooks(app, docname, taught)
    chapter = read_myst_markdown_notebook(
        Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
    setup, given = setup_cell(app, docname, taught)
    cells = [("markdown", intro_cell(app, docname, list(taught), given)), ("code", setup)]
    candidates = {}  # position in cells -> chapter code
    titled = False
    for cell in chapter.cells:
        if cell.cell_type == "code":
            tags = set(cell.metadata.get("tags", []))
            if not hooks.hidden and not tags & LEFT_OUT_TAGS:
                candidates[len(cells)] = cell.source
                cells.append(None)  # filled in below, or dropped
            continue
        for piece in md.convert(cell.source, hooks):
            if isinstance(piece, md.Code):
                cells.append(("code", piece.source, piece.metadata))
            elif not titled:
                cells.append(("markdown", _without_title(piece)))
                titled = True
            else:
                cells.append(("markdown", piece))
    kept = learner_code.learner_cells(list(candidates.values()), given, set(taught))
    for i, position in enumerate(candidates):
        cells[position] = ("code", kept[i]) if i in kept else None
    missing = set(taught) - set(hooks.stubs)
    if missing:
        hooks.warn(f"no stub for {', '.join(sorted(missing))}")
    return _assemble([cell for cell in cells if cell], hooks.attachments)


def _assemble(cells, attachments):
    notebook_cells = []
    for number, (kind, source, *metadata) in enumerate(cells):
        if kind == "markdown":
            if not source.strip():
                continue
            cell = nbformat.v4.new_markdown_cell(source)
            used = {name: bundle for name, bundle in attachments.items()
                    if f"attachment:{name}" in source}
            if used:
                cell["attachments"] = used
        else:
            cell = nbformat.v4.new_code_cell(source, metadata=metadata[0] if metadata else {})
        cell["id"] = f"cell-{number}"  # stable: the same chapter gives the same file
        notebook_cells.append(cell)
    result = nbformat.v4.new_notebook(cells=notebook_cells, metadata=NOTEBOOK_METADATA)
    nbformat.validate(result)
    return result


# ---------------------------------------------------------------------------------
# Writing the files


def write_workbooks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / "_downloads" / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for docname in workbook_chapters(app.env):
        path = folder / f"{stem(docname)}.ipynb"
        path.write_text(nbformat.writes(notebook(app, docname)) + "\n", encoding="utf-8")
        written.append(path)
    archive = Path(app.outdir) / "_downloads" / archive_file(app.config)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in written:
            info = zipfile.ZipInfo(f"{app.config.workbook_archive}/{path.name}",
                                   date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes())


def setup(app):
    app.setup_extension("api_links")
    app.setup_extension("chapter_order")
    app.add_config_value("workbook_functions", "", "env", types=[str])
    app.add_config_value("workbook_check", "rnnbook.check", "env", types=[str])
    app.add_config_value("workbook_guide", "", "env", types=[str])
    app.add_config_value("workbook_book_url", "", "html", types=[str])
    app.add_config_value("workbook_archive", "workbooks", "html", types=[str])
    app.add_config_value("workbook_require_all", True, "env", types=[bool])
    app.add_node(workbook_link)
    app.add_node(workbook_list)
    app.add_directive("your-turn", YourTurn)
    app.add_directive("workbook-list", WorkbookList)
    app.connect("source-read", record_taught)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_every_function_is_taught)
    app.connect("doctree-resolved", resolve_links)
    app.connect("build-finished", write_workbooks)
    return {"version": "1.0", "env_version": 1,
            "parallel_read_safe": True, "parallel_write_safe": True}
