"""The reference-guided human (docs/protocol.md §7): offline, deterministic, and fast enough for CI and sweeps.

It knows the problem's reference solution and types it, at most K_H tokens per round. A suggestion
is accepted iff the program with the suggestion applied is still consistent with the reference:

- ``tolerance="exact"`` (default): the program's tokens are a prefix of the reference's tokens, i.e.
  the text is a prefix of the reference that ends on a token boundary (a suggestion that stops in
  the middle of an identifier or number is rejected).
- ``tolerance="whitespace"``: the same comparison on non-whitespace tokens only, so spacing and
  line breaks may differ from the reference. (Python indentation then comes from the suggestion; the
  hidden tests decide whether that was harmless.) Meant for the code tokenizer, whose pieces are
  either all whitespace or none; Hugging Face pieces often carry a leading space, which then counts.

It finishes once everything but whitespace of the reference is in the program. Its next tokens
always continue the reference right after the last matched token, so it never edits earlier code.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import cast

from codeassist_env.errors import InputError
from codeassist_env.humans.base import Choice, Decision
from codeassist_env.problem import Problem
from codeassist_env.tokenizer import Tokenizer, get_tokenizer

TOLERANCES = ("exact", "whitespace")


def reference_program(problem: Problem) -> str:
    """The complete program the reference human types: the problem's reference solution, which must
    start with the starter code (the human cannot edit code it did not write)."""
    reference = problem.reference_solution
    if not reference:
        raise InputError(
            f"problem {problem.id!r} has no reference_solution; the reference human (and the oracle agent) need one"
        )
    if not reference.startswith(problem.starter_code):
        raise InputError(
            f"problem {problem.id!r}: reference_solution does not start with starter_code, "
            "so the reference human cannot reach it by appending"
        )
    return reference


@dataclass
class _Reference:
    """The reference program split once per episode, so each decision is a few slices and compares."""

    text: str
    ends: list[int]  # end offset of every token
    end_set: frozenset[int]
    content: list[str]  # non-whitespace tokens, in order
    content_ends: list[int]  # end offset of each of them
    content_done_at: int = field(init=False)  # offset after the last non-whitespace token

    def __post_init__(self) -> None:
        self.content_done_at = self.content_ends[-1] if self.content_ends else 0

    @classmethod
    def split(cls, text: str, tokenizer: Tokenizer) -> "_Reference":
        ends, content, content_ends, offset = [], [], [], 0
        for piece in tokenizer.encode(text):
            offset += len(piece)
            ends.append(offset)
            if not piece.isspace():
                content.append(piece)
                content_ends.append(offset)
        return cls(text, ends, frozenset(ends), content, content_ends)


class ReferenceHuman:
    """Types the reference solution; accepts only suggestions consistent with it (see module doc).

    ``tokenizer`` is used to compare suggestions with the reference; the environment passes its own,
    and ``write`` counts K_H with the tokenizer it is given."""

    def __init__(self, tolerance: str = "exact", tokenizer: Tokenizer | str | None = None):
        if tolerance not in TOLERANCES:
            raise InputError(f"reference human: tolerance {tolerance!r} is not one of {TOLERANCES}")
        self.tolerance = tolerance
        self.tokenizer = get_tokenizer(tokenizer)
        self._ref: _Reference | None = None
        self._problem_id: str | None = None

    def reset(self, problem: Problem, seed: int | None = None) -> None:  # deterministic: no use for a seed
        self._ref = _Reference.split(reference_program(problem), self.tokenizer)
        self._problem_id = problem.id

    def _reference(self, problem: Problem) -> _Reference:
        if self._ref is None or self._problem_id != problem.id:
            self.reset(problem)
        return cast(_Reference, self._ref)  # set by reset(), here or by the caller, for this problem

    def _position(self, ref: _Reference, code: str) -> int | None:
        """Offset in the reference right after the part ``code`` matches, or None if inconsistent."""
        if self.tolerance == "exact":
            return len(code) if ref.text.startswith(code) else None
        content = [piece for piece in self.tokenizer.encode(code) if not piece.isspace()]
        if content != ref.content[: len(content)]:
            return None
        here = ref.content_ends[len(content) - 1] if content else 0
        # Whitespace the program already ends with is not typed again where the reference agrees.
        trailing = code[len(code.rstrip()) :]
        return here + len(trailing) if trailing and ref.text.startswith(trailing, here) else here

    def _consistent(self, ref: _Reference, code: str) -> bool:
        """The program's tokens are a prefix of the reference's (modulo whitespace if tolerated)."""
        if self.tolerance == "exact":
            return len(code) in ref.end_set and ref.text.startswith(code)
        return self._position(ref, code) is not None

    def decide(self, problem: Problem, code: str, suggestion: str) -> Decision:
        ref = self._reference(problem)
        here = self._position(ref, code)
        if here is not None and here >= ref.content_done_at:
            return Decision(Choice.FINISH, "the program is complete")
        if not suggestion:
            return Decision(Choice.REJECT, "no suggestion")
        if self._consistent(ref, code + suggestion):
            return Decision(Choice.ACCEPT, "matches the reference")
        return Decision(Choice.REJECT, "differs from the reference")

    def write(self, problem: Problem, code: str, max_tokens: int, tokenizer: Tokenizer) -> str:
        ref = self._reference(problem)
        here = self._position(ref, code)
        if here is None:
            # Unreachable through the environment (this human accepts only consistent code), but a
            # caller may hand it any program: it cannot edit, so it writes nothing.
            return ""
        same_tokenizer = tokenizer is self.tokenizer or tokenizer.name == self.tokenizer.name
        if same_tokenizer and (here == 0 or here in ref.end_set):
            # At a token boundary the next tokens are precomputed slices of the reference.
            first = bisect_right(ref.ends, here)
            last = min(first + max_tokens, len(ref.ends)) - 1
            return ref.text[here : ref.ends[last]] if last >= first else ""
        return tokenizer.truncate(ref.text[here:], max_tokens)
