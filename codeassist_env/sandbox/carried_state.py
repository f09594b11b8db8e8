"""Whether a program could carry state from one call of its functions to the next.

Grading runs a program's inputs in one process only when the answer to one input cannot depend on the inputs
before it; otherwise each input runs in a process of its own (sandbox/batches.py). The test reads the
program's text and errs towards "could". A program counts as carrying state when

- a class of it has an attribute that can change in place (``memo = {}``: every instance shares it), or
- any of its functions
  - declares a name ``global`` or ``nonlocal``;
  - has a default argument that is not a constant (a list, dict, set or object lives as long as it);
  - assigns, augments or deletes through an item or attribute of a name it did not bind itself
    (``seen[x] = 1``, ``Counter.n += 1``);
  - calls a method of such a name that is not known to leave its object alone (``cache.append(x)``,
    ``solver.solve(x)``: a method of the program's own class can keep anything on ``self``), or passes
    such a name to anything but a builtin or a module function known to leave its arguments alone;
  - calls ``next``/``iter`` on such a name, a builtin that reaches namespaces, files or the interpreter
    (``setattr``, ``globals``, ``open``, ``exec``, ...), or into a module that keeps state between calls
    (``random``, ``numpy.random``, ``os``, ``sys``, ...).

An iterator kept at the top level (``it = iter(xs)``, a generator, ``itertools.count()``) counts too: any
loop over it advances it. What the top level does runs once per process either way, so it counts only
through these. Memoisation
with ``functools.lru_cache`` is not state in this sense: it returns what the function would compute. A
program that cannot be parsed carries none (it fails the same way in any process).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Methods that read their object and never change it (on str, bytes, tuple, list, dict, set, frozenset).
READING_METHODS = frozenset(
    {
        "count",
        "index",
        "get",
        "keys",
        "values",
        "items",
        "copy",
        "find",
        "rfind",
        "rindex",
        "startswith",
        "endswith",
        "join",
        "split",
        "rsplit",
        "splitlines",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "casefold",
        "title",
        "capitalize",
        "swapcase",
        "replace",
        "format",
        "format_map",
        "isdigit",
        "isalpha",
        "isalnum",
        "isspace",
        "islower",
        "isupper",
        "isdecimal",
        "isnumeric",
        "isidentifier",
        "isprintable",
        "istitle",
        "partition",
        "rpartition",
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
        "encode",
        "decode",
        "translate",
        "maketrans",
        "removeprefix",
        "removesuffix",
        "union",
        "intersection",
        "difference",
        "symmetric_difference",
        "issubset",
        "issuperset",
        "isdisjoint",
        "bit_length",
        "hex",
        "fromkeys",
        "match",
        "fullmatch",
        "search",
        "findall",
        "finditer",
        "sub",
        "subn",
        "pattern",
    }
)
# Builtins that leave their arguments as they found them (an iterator argument is advanced: see next/iter).
PURE_BUILTINS = frozenset(
    {
        "len",
        "sorted",
        "sum",
        "min",
        "max",
        "abs",
        "all",
        "any",
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "repr",
        "range",
        "enumerate",
        "zip",
        "map",
        "filter",
        "reversed",
        "isinstance",
        "issubclass",
        "type",
        "hash",
        "id",
        "round",
        "divmod",
        "pow",
        "chr",
        "ord",
        "bin",
        "oct",
        "hex",
        "format",
        "bytes",
        "complex",
        "print",
        "callable",
        "hasattr",
        "getattr",
        "slice",
        "ascii",
    }
)
REACHING_BUILTINS = frozenset(
    {"setattr", "delattr", "globals", "vars", "exec", "eval", "compile", "open", "__import__", "input", "breakpoint"}
)
# Modules that keep state between calls of their functions (the random generators, the interpreter, the
# process, files): a call into one of them inside a function counts as carrying state.
STATEFUL_MODULES = frozenset(
    {
        "random",
        "os",
        "sys",
        "builtins",
        "gc",
        "atexit",
        "signal",
        "threading",
        "multiprocessing",
        "secrets",
        "tempfile",
        "shelve",
        "pickle",
        "io",
        "shutil",
        "pathlib",
        "importlib",
        "ctypes",
        "socket",
        "subprocess",
    }
)


@dataclass(frozen=True)
class _Module:
    """What the program's top level binds: module aliases (name -> module), names imported from stateful
    modules, and its functions and classes."""

    modules: dict[str, str]
    stateful_names: frozenset[str]
    code_names: frozenset[str]


def parsed(code: str) -> ast.Module | None:
    """The program's syntax tree; None when it cannot be parsed (it then fails the same way in any process,
    so it carries nothing)."""
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


@functools.lru_cache(maxsize=256)
def may_carry_state(code: str) -> bool:
    tree = parsed(code)
    if tree is None:
        return False
    module = _module_of(tree)
    if any(_is_iterator(node.value) for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and _class_keeps_state(node):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and _function_may_carry_state(
            node, module
        ):
            return True
    return False


def _module_of(tree: ast.Module) -> _Module:
    modules, stateful, code = {}, set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]  # "import a.b" binds a; "import a.b as c" binds c to a.b
                modules[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if _is_stateful_module(f"{node.module or ''}.{alias.name}"):
                    stateful.add(alias.asname or alias.name)
                else:
                    code.add(alias.asname or alias.name)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            code.add(node.name)
    return _Module(modules, frozenset(stateful), frozenset(code))


ITERATOR_BUILTINS = frozenset({"iter", "map", "filter", "zip", "enumerate", "reversed"})


def _is_iterator(value: ast.AST | None) -> bool:
    """Whether a top-level value is an iterator, which any call that loops over it advances for the next."""
    if isinstance(value, ast.GeneratorExp):
        return True
    if not isinstance(value, ast.Call):
        return False
    path = _attribute_path(value.func)
    return (len(path) == 1 and path[0] in ITERATOR_BUILTINS) or (len(path) > 1 and path[0] == "itertools")


def _is_stateful_module(dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[0] in STATEFUL_MODULES or "random" in parts[1:]


def _class_keeps_state(node: ast.ClassDef) -> bool:
    """A class attribute that can be changed in place (``memo = {}``) is shared by every instance, of any call."""
    for statement in node.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            if not _is_constant(statement.value):
                return True
    return False


def _is_constant(node: ast.AST) -> bool:
    if isinstance(node, (ast.Constant, ast.Name, ast.Attribute, ast.Lambda)):
        return True
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left) and _is_constant(node.right)
    return isinstance(node, ast.Tuple) and all(_is_constant(e) for e in node.elts)


# What ``_bound_names``, ``_own_nodes`` and ``_function_may_carry_state`` look into: a node with ``args`` and ``body``.
_Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _bound_names(function: _Function) -> set[str]:
    """The names a function binds itself: its parameters and what its own body assigns (not nested ones')."""
    arguments = function.args
    bound = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    bound |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
    declared = set()
    for node in _own_nodes(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared |= set(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound - declared


def _own_nodes(function: _Function) -> Iterator[ast.AST]:
    """The nodes of a function's body, not descending into the functions and classes defined in it (each
    is judged on its own), but through their decorators and defaults, which run here."""
    body = function.body if isinstance(function.body, list) else [function.body]
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                yield child
                stack.extend(getattr(child, "decorator_list", []))
                if not isinstance(child, ast.ClassDef):
                    stack.extend(child.args.defaults + [d for d in child.args.kw_defaults if d is not None])
                continue
            stack.append(child)


def _root(node: ast.AST) -> str | None:
    """The name an item or attribute chain starts from (``a`` of ``a.b[c].d``), if it starts from one."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _function_may_carry_state(function: _Function, module: _Module) -> bool:
    arguments = function.args
    if not all(_is_constant(d) for d in arguments.defaults + [d for d in arguments.kw_defaults if d is not None]):
        return True  # a default list, dict, set or object lives as long as the function
    bound = _bound_names(function)

    def outside(node: ast.AST) -> bool:  # reaches something that outlives the call
        root = _root(node)
        return root is not None and root not in bound

    def outside_data(node: ast.AST) -> bool:  # ... and is no module, function or class of the program
        root = _root(node)
        return outside(node) and root not in module.modules and root not in module.code_names

    for node in _own_nodes(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return True
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.comprehension)):
            targets = [node.target]
        elif isinstance(node, ast.With):
            targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, (ast.Attribute, ast.Subscript)) and outside(part.value):
                    return True
        if isinstance(node, ast.Call) and _call_may_carry_state(node, module, bound, outside, outside_data):
            return True
    return False


def _call_may_carry_state(
    call: ast.Call,
    module: _Module,
    bound: set[str],
    outside: Callable[[ast.AST], bool],
    outside_data: Callable[[ast.AST], bool],
) -> bool:
    func = call.func
    arguments = [a.value if isinstance(a, ast.Starred) else a for a in call.args]
    arguments += [keyword.value for keyword in call.keywords]
    passes_data = any(isinstance(a, (ast.Name, ast.Attribute, ast.Subscript)) and outside_data(a) for a in arguments)
    root = _root(func)
    if isinstance(func, ast.Name):
        if func.id in bound:
            return passes_data
        if func.id in REACHING_BUILTINS or func.id in module.stateful_names:
            return True
        if func.id in ("next", "iter"):
            return passes_data
        return passes_data and func.id not in PURE_BUILTINS
    if root in module.modules:  # a module's function: math.gcd(a, b), np.random.rand()
        dotted = module.modules[root] + "".join(f".{part}" for part in _attribute_path(func)[1:])
        if _is_stateful_module(dotted):
            return True
        return passes_data and module.modules[root].split(".")[0] not in READING_MODULES
    if root is None or root in bound:
        return False  # a method of something made in this call
    if isinstance(func, ast.Attribute) and func.attr in READING_METHODS:
        return False
    return True  # a method of a module-level object or class: it may keep anything


def _attribute_path(node: ast.AST) -> list[str]:
    """["np", "random", "rand"] for ``np.random.rand``; items break the path."""
    path = []
    while isinstance(node, ast.Attribute):
        path.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        path.append(node.id)
    return path[::-1]


# Modules whose functions keep nothing between calls and change none of their arguments.
READING_MODULES = frozenset(
    {
        "math",
        "cmath",
        "re",
        "string",
        "operator",
        "statistics",
        "fractions",
        "decimal",
        "functools",
        "itertools",
        "collections",
        "numpy",
        "copy",
        "json",
        "hashlib",
        "datetime",
        "typing",
        "unicodedata",
        "textwrap",
        "calendar",
        "struct",
        "bisect",
    }
)
