"""Which of a chapter's code cells a workbook keeps, and in what form.

A learner's workbook runs with numpy and rnnbook alone, and the functions the learner
writes start as stubs that raise ``NotImplementedError``. So a chapter's code cell is
kept when, read in order, it

- imports only what a learner has: numpy, rnnbook, IPython and the standard library
  (other imports are left out, and so are the names they would have bound);
- uses no name that only a left-out cell defines;
- does not use a function the learner writes, which would stop "Run All" at a stub.

``glue(...)`` calls, which feed numbers to the book's prose, are left out of the cells
that stay. Imports that no kept cell uses are dropped at the end.

These are pure functions of source text; ``workbooks`` applies them to a chapter.
"""

import ast
import builtins
import sys

LEARNER_MODULES = frozenset({"numpy", "rnnbook", "IPython"}) | frozenset(
    sys.stdlib_module_names)
#: Names a Jupyter kernel defines besides the builtins.
KERNEL_NAMES = frozenset({"display", "get_ipython", "In", "Out"})
GLUE = "glue"  # MyST-NB's function that hands a value to the prose


def parse(source):
    """The syntax tree of a cell, or None when it does not parse (e.g. IPython magics)."""
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _bound_by_import(alias):
    return alias.asname or alias.name.split(".")[0]


class _Scope(ast.NodeVisitor):
    """The names one scope binds and reads, and the scopes nested in it, not entered."""

    def __init__(self):
        self.bound, self.read, self.nested = set(), set(), []

    def visit_Name(self, node):
        (self.read if isinstance(node.ctx, ast.Load) else self.bound).add(node.id)

    def visit_FunctionDef(self, node):
        self.bound.add(node.name)
        for outer in node.decorator_list + node.args.defaults + node.args.kw_defaults:
            if outer is not None:
                self.visit(outer)  # evaluated where the function is defined
        self.nested.append(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        for outer in node.args.defaults + node.args.kw_defaults:
            if outer is not None:
                self.visit(outer)
        self.nested.append(node)

    def visit_ClassDef(self, node):
        self.bound.add(node.name)
        for outer in node.decorator_list + node.bases:
            self.visit(outer)
        self.nested.append(node)

    def _comprehension(self, node):
        self.visit(node.generators[0].iter)  # the first iterable is read outside
        self.nested.append(node)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Import(self, node):
        self.bound.update(_bound_by_import(alias) for alias in node.names)

    visit_ImportFrom = visit_Import

    def visit_ExceptHandler(self, node):
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node):
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)


def _scope(statements):
    scope = _Scope()
    for statement in statements:
        scope.visit(statement)
    return scope


def _arguments(args):
    every = args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
    return {arg.arg for arg in every if arg is not None}


def _free(statements, outer):
    """Names read in a scope (``statements``) or in the scopes inside it that neither
    their own scope, nor one around it, nor ``outer`` binds."""
    scope = _scope(statements)
    visible = outer | scope.bound
    free = scope.read - visible
    for node in scope.nested:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            free |= _free(node.body, visible | _arguments(node.args))
        elif isinstance(node, ast.Lambda):
            free |= _free([ast.Expr(node.body)], visible | _arguments(node.args))
        elif isinstance(node, ast.ClassDef):
            free |= _free(node.body, visible)
        else:  # a comprehension: its targets are its own
            targets = {name.id for generator in node.generators
                       for name in ast.walk(generator.target) if isinstance(name, ast.Name)}
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            parts += [part for generator in node.generators for part in generator.ifs]
            parts += [generator.iter for generator in node.generators[1:]]
            free |= _free([ast.Expr(part) for part in parts], visible | targets)
    return free


def defined_names(tree):
    """The names a cell binds for the cells after it: those of its own scope."""
    return _scope(tree.body).bound


def loaded_names(tree):
    """Every name a cell reads, in any scope."""
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def free_names(tree):
    """The names a cell reads but neither binds itself nor gets from Python or Jupyter."""
    return _free(tree.body, set(dir(builtins)) | KERNEL_NAMES)


def _is_glue_call(statement):
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id == GLUE)


def _only_glue(statement):
    """A ``glue(...)`` call, or a loop or block that holds nothing else."""
    if _is_glue_call(statement):
        return True
    if isinstance(statement, (ast.For, ast.While, ast.If, ast.With)):
        return all(_only_glue(s) for s in statement.body + getattr(statement, "orelse", []))
    return False


def _glue_lines(statements):
    """The 1-based line numbers of every statement that only glues."""
    lines = set()
    for statement in statements:
        if _only_glue(statement):
            lines.update(range(statement.lineno, statement.end_lineno + 1))
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            lines |= _glue_lines(getattr(statement, field, []))
    return lines


def without_glue(source):
    """``source`` without its ``glue(...)`` calls, nor the loops that only glue."""
    tree = parse(source)
    if tree is None:
        return source
    drop = _glue_lines(tree.body)
    return "\n".join(line for number, line in enumerate(source.splitlines(), start=1)
                     if number not in drop)


def from_import(module, names):
    """``from module import a, b``, wrapped in parentheses when longer than 88 characters."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _import_statement(node, aliases):
    """``node`` (an import) rewritten with only ``aliases``."""
    names = [alias.name + (f" as {alias.asname}" if alias.asname else "")
             for alias in aliases]
    if isinstance(node, ast.Import):
        return f"import {', '.join(names)}"
    return from_import(f"{'.' * node.level}{node.module or ''}", names)


def _module_root(node, alias):
    if isinstance(node, ast.Import):
        return alias.name.split(".")[0]
    return None if node.level else (node.module or "").split(".")[0]


def rewrite_imports(source, keep):
    """``source`` with each top-level import cut to the aliases ``keep(root, name)`` accepts.

    ``root`` is the imported module's top-level package, ``name`` the name bound. An
    import left with no alias disappears.
    """
    tree = parse(source)
    if tree is None:
        return source
    lines = source.splitlines()
    for node in reversed(tree.body):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        aliases = [alias for alias in node.names
                   if keep(_module_root(node, alias), _bound_by_import(alias))]
        if len(aliases) == len(node.names):
            continue
        replacement = [_import_statement(node, aliases)] if aliases else []
        lines[node.lineno - 1:node.end_lineno] = replacement
    return "\n".join(lines)


def tidy(source):
    """``source`` without blank lines at its ends, and one blank line between statements.

    Two blank lines stay around top-level definitions, as PEP 8 has them.
    """
    lines = [line.rstrip() for line in source.strip("\n").splitlines()]
    result = []
    for i, line in enumerate(lines):
        if not line:
            following = next((nxt for nxt in lines[i + 1:] if nxt), "")
            previous = next((prev for prev in reversed(result) if prev), "")
            after_block = previous.startswith((" ", "\t"))
            limit = 2 if following.startswith(("def ", "class ", "@")) or after_block else 1
            if len(result) >= limit and all(not prev for prev in result[-limit:]):
                continue
        result.append(line)
    return "\n".join(result)


def has_code(source):
    """Whether ``source`` does anything: not only blank lines and comments."""
    return any(line.strip() and not line.lstrip().startswith("#")
               for line in source.splitlines())


def learner_cells(sources, given, written):
    """The cells of ``sources`` that a learner's workbook keeps, rewritten.

    ``given``: the names the workbook's first cell binds. ``written``: the functions the
    learner writes (stubs until written). Returns ``{index: new source}`` for the kept
    cells; every other cell is left out.
    """
    def allowed(root, name):
        return root in LEARNER_MODULES and name not in written and name not in given

    available, kept = set(given), {}
    for index, source in enumerate(sources):
        new = rewrite_imports(without_glue(source), allowed)
        tree = parse(new)
        if (tree is None or free_names(tree) - available or loaded_names(tree) & written
                or defined_names(tree) & (set(given) | set(written))):
            continue
        kept[index] = new
        available |= defined_names(tree)
    return _without_unused_imports(kept)


def _without_unused_imports(kept):
    """Drop import aliases that no kept cell reads, then cells left with no code."""
    used = set()
    for source in kept.values():
        used |= loaded_names(parse(source))
    result = {}
    for index, source in kept.items():
        new = tidy(rewrite_imports(source, lambda root, name: name in used))
        if has_code(new):
            result[index] = new
    return result
