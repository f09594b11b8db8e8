"""The sandbox worker's script as the sandbox runs it (sandbox/inside/README.md): the files of
``sandbox/inside`` joined into one script compile, and every global name the script uses is defined by one
of its files or is a builtin. Each file alone uses names it never imports, so only the joined script can be
checked (with ``symtable``, the compiler's own name resolution)."""

from __future__ import annotations

import ast
import builtins
import symtable

from codeassist_env.sandbox.channel import WORKER_FILES, worker_file_source, worker_source
from codeassist_env.sandbox.core import RunStatus

MODULE_NAMES = {"__name__", "__file__", "__doc__", "__builtins__", "__spec__", "__loader__", "__package__"}


def undefined_names(source: str) -> set[str]:
    """Global names ``source`` reads that neither it defines (at top level, or through ``global`` in a
    function) nor the builtins do."""
    top = symtable.symtable(source, "<worker script>", "exec")
    tables = [top]
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    used = {s.get_name() for s in top.get_symbols() if s.is_referenced()}
    while tables:
        table = tables.pop()
        tables += table.get_children()
        if table is top:
            continue
        for symbol in table.get_symbols():
            if symbol.is_declared_global() and symbol.is_assigned():
                defined.add(symbol.get_name())
            if symbol.is_global() and symbol.is_referenced():
                used.add(symbol.get_name())
    return used - defined - set(dir(builtins)) - MODULE_NAMES


def test_the_check_finds_a_name_no_file_defines():
    source = "import os\n\ndef f():\n    return os.getpid() + helper()\n\nclass C:\n    x = missing\n"
    assert undefined_names(source) == {"helper", "missing"}
    assert undefined_names(source + "\ndef helper():\n    global missing\n    missing = 1\n") == set()


def test_the_joined_worker_script_compiles_and_defines_every_name_it_uses():
    source = worker_source()
    compile(source, "<worker script>", "exec")
    assert undefined_names(source) == set()
    # the files lean on each other: a function one file defines, renamed, leaves another's call undefined
    assert "def serve_candidate(" in source
    assert undefined_names(source.replace("def serve_candidate(", "def renamed(")) == {"serve_candidate"}
    alone = worker_file_source(WORKER_FILES[0])  # worker.py alone, without the imports only checkers read
    assert {"Judge", "run_assert", "run_calls"} <= undefined_names(alone)
    assert "from judge import" not in source and "if False:  # joined-script names" not in source


def test_each_worker_file_names_what_it_takes_from_the_others():
    """Each file alone defines every name it uses once its joined-script imports are read (so ruff checks the
    files one by one), and each such import names a name the other file really defines at top level."""
    defined_in = {}
    for path in WORKER_FILES:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert undefined_names(text) == set(), path
        module = ast.parse(worker_file_source(path))
        defined_in[path.rsplit("/", 1)[-1].removesuffix(".py")] = {
            name for node in module.body for name in _top_level_names(node)
        }
    for path in WORKER_FILES:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in tree.body:
            if isinstance(node, ast.If) and isinstance(node.test, ast.Constant) and node.test.value is False:
                for imported in node.body:
                    assert {alias.name for alias in imported.names} <= defined_in[imported.module], (
                        path,
                        imported.module,
                    )


def _top_level_names(node: ast.stmt) -> set:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return set()


def test_the_worker_says_how_a_run_ended_in_the_host_s_words():
    """Every status the joined script writes (a "status" key, a ``status=`` argument) is a ``RunStatus``: the
    worker cannot import the host's enum, so this keeps the two vocabularies one."""

    def words(value: ast.expr | None) -> set:
        """The constant strings ``value`` can be: a constant, or either branch of ``a if c else b``."""
        if isinstance(value, ast.Constant):
            return {value.value}
        if isinstance(value, ast.IfExp):
            return words(value.body) | words(value.orelse)
        return set()

    said = set()
    for node in ast.walk(ast.parse(worker_source())):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "status":
                    said |= words(value)
        elif isinstance(node, ast.keyword) and node.arg == "status":
            said |= words(node.value)
    # "program": the judge's word to the worker that the program, not the check, ended an assert test; the
    # worker turns it into the program's own status before it answers the host.
    assert said - {"program"} == set(RunStatus)
