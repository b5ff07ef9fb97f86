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


def defined_names(tree):
    """Every name a cell binds: assignments, definitions, arguments, imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(_bound_by_import(alias) for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchAs) and node.name:
            names.add(node.name)
    return names


def loaded_names(tree):
    """Every name a cell reads."""
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _rebinds(tree):
    """The names a cell binds at its top level or in its loops (not inside functions)."""
    names, stack = set(), list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(_bound_by_import(alias) for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))
    return names


def free_names(tree):
    """The names a cell reads but neither binds itself nor gets from Python or Jupyter."""
    return loaded_names(tree) - defined_names(tree) - set(dir(builtins)) - KERNEL_NAMES


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
                or _rebinds(tree) & (set(given) | set(written))):
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
