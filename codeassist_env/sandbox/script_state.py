"""Whether a stdin or functional program could carry state from one run of it to the next in one process.

Grading runs such a program on many inputs in one process (sandbox/scripts.py, sandbox/batches.py) by running
the whole program again for each input, in a fresh module, with fresh standard input and output: what the program
defines (its globals, functions, classes, caches, iterators) starts anew each time. What outlives a run is
the rest of the process: the modules it imports, the builtins, the interpreter's settings, files and
descriptors, threads, signals, the environment. The sandbox resets what the programs of these sets use
(``sys.stdin``, ``sys.stdout``, ``sys.stderr``, the recursion limit, the integer-string digit limit) before
each run; anything else counts. The test reads the program's text and errs towards "could": a program runs
its inputs in one process only when

- it imports only modules in ``PURE_MODULES`` (functions that keep nothing between calls), ``sys`` with the
  attributes in ``SYS_ATTRIBUTES``, ``os`` with ``os.read``, ``os.write`` and ``os.fstat`` on descriptors 0, 1
  and 2 written as such, and ``io``'s in-memory and wrapping classes;
- it calls ``open`` only on descriptors 0, 1 and 2, and never ``setattr``, ``delattr``, ``vars``, ``exec``,
  ``eval``, ``compile``, ``__import__`` or ``breakpoint``;
- it assigns to or deletes no attribute or item of anything it imported (``sys.stdin`` and its two siblings
  excepted), calls no method of an imported name other than a module's own functions and the reading
  methods of carried_state.py, and names no dunder attribute but ``__name__``, nor ``__builtins__``.

A program that cannot be parsed carries nothing (it fails the same way in any process).
"""

from __future__ import annotations

import ast
import functools

from codeassist_env.sandbox.carried_state import READING_METHODS, parsed

PURE_MODULES = frozenset(
    {
        "math",
        "cmath",
        "collections",
        "itertools",
        "functools",
        "heapq",
        "bisect",
        "string",
        "re",
        "operator",
        "typing",
        "fractions",
        "statistics",
        "copy",
        "dataclasses",
        "enum",
        "array",
        "json",
        "datetime",
        "time",
        "textwrap",
        "unicodedata",
        "struct",
        "hashlib",
        "abc",
        "numbers",
        "types",
        "queue",
        "keyword",
    }
)
SYS_ATTRIBUTES = frozenset(
    {
        "stdin",
        "stdout",
        "stderr",
        "setrecursionlimit",
        "getrecursionlimit",
        "maxsize",
        "exit",
        "set_int_max_str_digits",
        "get_int_max_str_digits",
        "version_info",
        "float_info",
        "byteorder",
    }
)
RESET_SYS_ATTRIBUTES = frozenset({"stdin", "stdout", "stderr"})  # assigned anew before each run
OS_CALLS = frozenset({"read", "write", "fstat"})
IO_CLASSES = frozenset({"StringIO", "BytesIO", "TextIOWrapper", "BufferedReader", "BufferedWriter"})
STANDARD_FDS = (0, 1, 2)
REACHING_NAMES = frozenset(
    {"setattr", "delattr", "vars", "exec", "eval", "compile", "__import__", "breakpoint", "__builtins__"}
)
ALLOWED_DUNDERS = frozenset({"__name__", "__init__"})


@functools.lru_cache(maxsize=256)
def may_carry_state_between_runs(code: str) -> bool:
    tree = parsed(code)
    if tree is None:
        return False
    imports = _imports(tree)
    if imports is None:
        return True
    # ``open`` and os's functions are allowed only where they are called on a standard descriptor: the
    # nodes of those calls' functions, so that a second name for them (``r = os.read``) still counts.
    standard = {
        id(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _on_standard_fd(node) and _is_fd_call(node.func, imports)
    }
    return any(_node_may_carry_state(node, imports, standard) for node in ast.walk(tree))


class _Imports:
    """What the program's imports bind: each name -> the dotted thing it stands for, and which are modules."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.modules: set[str] = set()

    def resolved(self, path: list[str]) -> list[str] | None:
        """The chain with its first name replaced by what an import bound to it; None if none did."""
        return self.names[path[0]] + path[1:] if path and path[0] in self.names else None


def _imports(tree: ast.Module) -> _Imports | None:
    """The program's imports; None if one of them is not allowed."""
    imports = _Imports()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _allowed_module(alias.name):
                    return None
                name = alias.asname or alias.name.split(".")[0]  # "import a.b" binds a; "... as c" binds a.b
                imports.names[name] = (alias.name if alias.asname else name).split(".")
                imports.modules.add(name)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or not _allowed_module(module):
                return None
            for alias in node.names:
                if not _allowed_from(module, alias.name):
                    return None
                imports.names[alias.asname or alias.name] = module.split(".") + [alias.name]
    return imports


def _allowed_module(dotted: str) -> bool:
    return dotted.split(".")[0] in PURE_MODULES or dotted in ("sys", "os", "io")


def _allowed_from(module: str, name: str) -> bool:
    if module == "sys":
        return name in SYS_ATTRIBUTES
    if module == "io":
        return name in IO_CLASSES
    return module != "os"  # os's functions only through the module, where their descriptor can be read


def _dotted(node: ast.AST) -> list[str]:
    """["sys", "stdin", "readline"] for ``sys.stdin.readline``; [] when the chain does not start at a name."""
    path = []
    while isinstance(node, ast.Attribute):
        path.append(node.attr)
        node = node.value
    return [node.id] + path[::-1] if isinstance(node, ast.Name) else []


def _on_standard_fd(call: ast.Call) -> bool:
    first = call.args[0] if call.args else None
    return isinstance(first, ast.Constant) and type(first.value) is int and first.value in STANDARD_FDS


def _is_fd_call(func: ast.AST, imports: _Imports) -> bool:
    path = _dotted(func)
    chain = imports.resolved(path)
    return path == ["open"] or (chain is not None and len(chain) == 2 and chain[0] == "os" and chain[1] in OS_CALLS)


def _node_may_carry_state(node: ast.AST, imports: _Imports, standard: set[int]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in REACHING_NAMES or (node.id == "open" and id(node) not in standard)
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("__") and node.attr.endswith("__") and node.attr not in ALLOWED_DUNDERS:
            return True
        chain = imports.resolved(_dotted(node))
        if chain is None:
            return False
        if chain[0] == "os":
            return id(node) not in standard
        allowed = {"sys": SYS_ATTRIBUTES, "io": IO_CLASSES}.get(chain[0])
        if allowed is not None and len(chain) > 1 and chain[1] not in allowed:
            return True
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            return not (len(chain) == 2 and chain[0] == "sys" and chain[1] in RESET_SYS_ATTRIBUTES)
        return False
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return imports.resolved(_dotted(node.value)) is not None
    if isinstance(node, ast.Call):
        return _call_may_carry_state(node, imports)
    return False


def _call_may_carry_state(call: ast.Call, imports: _Imports) -> bool:
    """A call of a method of something imported, other than a module's own function, a method of the run's
    own streams or a reading method."""
    path = _dotted(call.func)
    chain = imports.resolved(path)
    if chain is None or len(path) <= 1 or chain[0] == "os":
        return False  # a builtin, the program's own, a method of something the program made; os: above
    if chain[0] == "sys" and chain[1] in RESET_SYS_ATTRIBUTES:
        return False
    module_function = len(path) == 2 and path[0] in imports.modules
    return not (module_function or chain[-1] in READING_METHODS)
