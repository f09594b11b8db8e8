"""The package's import graph has no cycles, and no module imports another module's ``_private`` names.

The graph is read from the source with ``ast``: every ``import`` counts, at module level or inside a
function (a function-level import is still a dependency, only a later one). An edge goes to the module an
import names: ``from a.b import c`` goes to ``a.b.c`` when that is a module, else to ``a.b``.
Importing ``a.b.c`` also runs ``a/__init__.py`` and ``a/b/__init__.py``: those are edges too, to each package
the import enters from outside (a module of ``a.b`` importing ``a.b.d`` is already inside ``a.b``, whose
``__init__`` may gather its submodules). So two packages that import each other are a cycle even where their
modules are not.
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
    graph = {}
    for module, path in modules.items():
        targets = {target for target, _, _ in imports_of(module, path, modules)}
        graph[module] = targets | {
            package for target in targets for package in entered_packages(module, target, modules)
        }
    return graph


def entered_packages(module: str, target: str, modules: dict[str, Path]) -> list[str]:
    """The packages whose ``__init__`` importing ``target`` runs, from ``module``: those above ``target`` that
    ``module`` is not inside of (a package's own ``__init__`` counts as inside it)."""
    parts = target.split(".")
    own = module if modules[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    return [
        package
        for package in (".".join(parts[:i]) for i in range(1, len(parts)))
        if package in modules and not (own == package or own.startswith(package + "."))
    ]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None (depth-first search, white/grey/black)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
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
    # a package entered from outside: its __init__ runs
    assert "codeassist_env.sandbox" in graph["codeassist_env.problems.evalplus"]
    assert "codeassist_env.sandbox" not in graph["codeassist_env.sandbox.core"]


def test_an_import_of_a_package_module_from_outside_runs_its_init(tmp_path):
    modules = {
        "p": tmp_path / "__init__.py",
        "p.q": tmp_path / "q" / "__init__.py",
        "p.q.a": tmp_path / "q" / "a.py",
        "p.q.b": tmp_path / "q" / "b.py",
        "p.r": tmp_path / "r.py",
    }
    assert entered_packages("p.r", "p.q.a", modules) == ["p.q"]  # p itself: p.r is inside it already
    assert entered_packages("p.q.b", "p.q.a", modules) == []
    assert entered_packages("p.q", "p.q.a", modules) == []


def test_no_import_cycle_in_the_package():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_private_name_is_imported_from_another_module():
    modules = module_files()
    offences = [
        f"{path.relative_to(ROOT.parent)}:{line} imports {name} from {target}"
        for module, path in modules.items()
        for target, name, line in imports_of(module, path, modules)
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not offences, "\n".join(offences)
