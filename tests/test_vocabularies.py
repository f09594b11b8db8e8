"""Every closed vocabulary is an enum, and the host side compares with its members, never with the bare word:
a renamed member then breaks at import, not silently in a comparison that is never true again. The sandbox
worker keeps plain strings (it imports nothing of the package); tests/test_sandbox_worker_script.py holds
its words to ``RunStatus``."""

from __future__ import annotations

import ast
from pathlib import Path

from codeassist_env.agents.deadline import AgentFailure
from codeassist_env.episode import EpisodeStatus
from codeassist_env.humans.base import FailureReason
from codeassist_env import problem
from codeassist_env.protocol import Choice
from codeassist_env.sandbox import result
from codeassist_env.study.assist import SuggestionStatus
from codeassist_env.study.state import Answer

PACKAGE = Path(__file__).resolve().parents[1] / "codeassist_env"
VOCABULARIES = (
    AgentFailure,
    Answer,
    Choice,
    EpisodeStatus,
    FailureReason,
    result.RunStatus,
    SuggestionStatus,
    problem.TestKind,  # through their modules: pytest would try to collect a class named Test*
    result.TestStatus,
)
WORDS = {member.value for vocabulary in VOCABULARIES for member in vocabulary}
# Comparisons with the same words that are not ours: another format's field, a probe's own output.
NOT_OURS = {
    ("problems/livecodebench.py", "functional"),  # LiveCodeBench's own "testtype" field
    ("sandbox/local.py", "ok"),  # the bubblewrap probe prints "ok"
}


def bare_words(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, word) of each ``x == "word"``, ``x != "word"`` or ``x in ("word", ...)`` with a vocabulary's word;
    ``"word" in mapping`` (a key looked up) is no comparison of values."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        for op, left, right in zip(node.ops, [node.left, *node.comparators], node.comparators):
            if isinstance(op, (ast.Eq, ast.NotEq)):
                sides = [left, right]
            elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
                sides = list(right.elts)
            else:
                continue
            found += [(node.lineno, s.value) for s in sides if isinstance(s, ast.Constant) and s.value in WORDS]
    return found


def test_the_scan_finds_a_bare_word_and_passes_a_member():
    assert bare_words(ast.parse('if status == "passed" or decision in ("accept", x): pass')) == [
        (1, "passed"),
        (1, "accept"),
    ]
    assert bare_words(ast.parse('if status == TestStatus.PASSED and "passed" in line: pass')) == []


def test_no_bare_vocabulary_word_is_compared_outside_the_sandbox_worker():
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("sandbox/inside/"):
            continue
        for line, word in bare_words(ast.parse(path.read_text(encoding="utf-8"))):
            if (relative, word) not in NOT_OURS:
                bare.append(f"codeassist_env/{relative}:{line}: {word!r}")
    assert not bare, "compare with the enum's member instead:\n" + "\n".join(bare)
