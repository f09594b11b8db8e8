"""The one record every part of the package passes around: a coding problem and its tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from codeassist_env.errors import InputError


class TestKind(StrEnum):
    """How a problem's tests run its program (TestCase says what each kind's input and output hold)."""

    STDIN = "stdin"
    FUNCTIONAL = "functional"
    ASSERT = "assert"
    CALL = "call"


TEST_KINDS: tuple[TestKind, ...] = tuple(TestKind)
NAMED_ENTRY_KINDS: tuple[TestKind, ...] = (TestKind.FUNCTIONAL, TestKind.ASSERT, TestKind.CALL)  # call a named function


@dataclass(frozen=True)
class TestCase:
    """One test.

    What ``input`` and ``output`` hold depends on the problem's ``test_kind``:

    - ``stdin``: ``input`` is fed to the program's standard input; ``output`` is the expected standard
      output (compared token by token, floats with tolerance).
    - ``functional``: ``input`` holds the call's arguments, one JSON value per line (LiveCodeBench's
      convention); ``output`` is the expected return value as JSON.
    - ``assert``: ``input`` is test code defining ``check(candidate)`` (HumanEval's convention);
      ``output`` is unused ("").
    - ``call`` (EvalPlus's sets): ``input`` is the call's ``(args, kwargs)`` and ``output`` the expected
      return value, both as plain-data JSON (sandbox/inside/plain.py); the host compares them by the problem's
      ``metadata["evalplus"]`` rules (sandbox/calls.py).
    """

    input: str
    output: str = ""


# The largest limits the sandbox can apply, with room to spare: a test's wall-clock limit (2x + 1 s) must
# fit a timer, and its memory in bytes a setrlimit value; beyond them the arithmetic overflows.
MAX_TIME_LIMIT_S = 3600.0
MAX_MEMORY_LIMIT_MB = 1 << 20  # 1 TiB


@dataclass(frozen=True)
class Problem:
    """Immutable: loaded problems are shared between environments and threads (``load_problems`` caches
    them), so a change would leak into every user. Derive a changed copy with ``dataclasses.replace``.
    The tests are kept as tuples and ``metadata`` as a read-only mapping whatever they are given as."""

    id: str
    statement: str
    test_kind: TestKind
    hidden_tests: tuple[TestCase, ...]
    public_tests: tuple[TestCase, ...] = ()
    starter_code: str = ""
    reference_solution: str | None = None
    # functional: the method of ``class Solution`` (or a top-level function) to call;
    # assert: the function handed to ``check``.
    entry_point: str | None = None
    time_limit_s: float = 2.0  # per test, CPU and (x2 + 1 s) wall
    memory_limit_mb: int = 512
    source: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)  # difficulty, tags, split, title, ...

    def __post_init__(self) -> None:
        if self.test_kind not in TEST_KINDS:
            raise InputError(f"problem {self.id!r}: test_kind {self.test_kind!r} is not one of {', '.join(TEST_KINDS)}")
        object.__setattr__(self, "test_kind", TestKind(self.test_kind))
        if self.test_kind in NAMED_ENTRY_KINDS and not self.entry_point:
            raise InputError(f"problem {self.id!r}: test_kind {str(self.test_kind)!r} needs an entry_point")
        if not 0 < self.time_limit_s <= MAX_TIME_LIMIT_S:
            raise InputError(
                f"problem {self.id!r}: time_limit_s {self.time_limit_s!r} is not in (0, {MAX_TIME_LIMIT_S:g}]"
            )
        if not 0 < self.memory_limit_mb <= MAX_MEMORY_LIMIT_MB:
            raise InputError(
                f"problem {self.id!r}: memory_limit_mb {self.memory_limit_mb!r} is not in (0, {MAX_MEMORY_LIMIT_MB}]"
            )
        object.__setattr__(self, "hidden_tests", tuple(self.hidden_tests))
        object.__setattr__(self, "public_tests", tuple(self.public_tests))
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))

    def to_dict(self) -> dict[str, Any]:
        """The problem as plain JSON-ready values (lists and dicts), fields in order."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("hidden_tests", "public_tests"):
            data[key] = [asdict(test) for test in data[key]]
        data["metadata"] = dict(self.metadata)
        return data
