"""The package's import graph has no cycles, and no module imports another module's ``_private`` names.

The graph is read from the source with ``ast``: every ``import`` counts, at module level or inside a
function (a function-level import is still a dependency, only a later one). An edge goes to the module an
import names: ``from a.b import c`` goes to ``a.b.c`` when that is a module, else to ``a.b``.
Importing ``a.b.c`` also runs ``a/__init__.py`` and ``a/b/__init__.py``; those implied edges are left out,
or every package whose ``__init__`` gathers its submodules would be a cycle with each of them.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "codeassist_env"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


def module_files() -> dict[str, Path]:
    """Module name -> source file, for every module of the package (a package is its ``__init__``)."""
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = (PACKAGE, *path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _base(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names (relative imports resolved against ``module``)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(imported module, name taken from it or "", line) for each of the package's modules this one imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "", node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, path, node)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule, "", node.lineno) if submodule in modules else (base, alias.name, node.lineno))
    return [(target, name, line) for target, name, line in found if target in modules and target != module]


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {module: {target for target, _, _ in imports_of(module, path, modules)} for module, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None (depth-first search, white/grey/black)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_checker_sees_relative_function_level_imports_and_cycles(tmp_path):
    """The checker itself: a relative import inside a function is an edge, and a cycle is found."""
    (tmp_path / "a.py").write_text("def f():\n    from .b import g\n")
    modules = {"p": tmp_path / "__init__.py", "p.a": tmp_path / "a.py", "p.b": tmp_path / "b.py"}
    assert imports_of("p.a", modules["p.a"], modules) == [("p.b", "g", 2)]
    assert find_cycle({"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}}) == ["p.a", "p.b", "p.c", "p.a"]
    assert find_cycle({"p.a": {"p.b"}, "p.b": set()}) is None


def test_the_graph_holds_known_edges():
    """A guard on the reading: edges that exist must be seen (else an empty graph would pass)."""
    graph = import_graph()
    assert "codeassist_env.sandbox.channel" in graph["codeassist_env.sandbox.local"]
    assert "codeassist_env.bench.store" in graph["codeassist_env.bench.runner"]
    assert len(graph) > 100


def test_no_import_cycle_in_the_package():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_private_name_is_imported_from_another_module():
    modules = module_files()
    offences = [f"{path.relative_to(ROOT.parent)}:{line} imports {name} from {target}"
                for module, path in modules.items()
                for target, name, line in imports_of(module, path, modules)
                if name.startswith("_") and not name.startswith("__")]
    assert not offences, "\n".join(offences)
