"""Simulated humans. ``make_human(name)`` builds one from a short name; ``HUMANS`` maps a name
prefix to a factory ``factory(arg, **options)``, where ``arg`` is the rest of the name after the
prefix (e.g. ``"whitespace"`` in ``"reference-whitespace"``) and ``options`` are keyword arguments
such as ``tokenizer`` (factories ignore options they do not use)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from codeassist_env.humans.base import CHOICES, Decision, Human, SimulatorFailure
from codeassist_env.humans.expert import ExpertHuman
from codeassist_env.humans.reference import ReferenceHuman, reference_program


def _reference(arg: str, tokenizer=None, **_: Any) -> ReferenceHuman:
    return ReferenceHuman(tolerance=arg or "exact", tokenizer=tokenizer)


def _expert(arg: str, tokenizer=None, sandbox: Any = "auto", **_: Any) -> ExpertHuman:
    try:
        miss_rate = float(arg) if arg else 0.0
    except ValueError:
        raise ValueError(f"human 'expert-{arg}': the part after 'expert-' is the miss rate, a number in "
                         "[0, 1] (e.g. expert-0.2)") from None
    return ExpertHuman(miss_rate=miss_rate, tokenizer=tokenizer, sandbox=sandbox)


def _llm(arg: str, **options: Any) -> Human:
    # Imported here so that `import codeassist_env` does not pay for the openai client.
    from codeassist_env.humans.llm import make_llm_human

    return make_llm_human(arg, **options)


HUMANS: dict[str, Callable[..., Human]] = {
    "reference": _reference,
    "expert": _expert,
    "llm": _llm,
}


def make_human(name: str, **options: Any) -> Human:
    """``"reference"`` (exact), ``"reference-whitespace"``, ``"expert"`` / ``"expert-MISS"`` (miss rate), ``"llm"`` / ``"llm-<model>"`` (an
    OpenAI-compatible chat endpoint configured by ``CODEASSIST_HUMAN_*``), or any other registered prefix."""
    for prefix in sorted(HUMANS, key=len, reverse=True):  # longest prefix wins
        if name == prefix or name.startswith(prefix + "-"):
            return HUMANS[prefix](name[len(prefix) + 1:], **options)
    raise ValueError(f"unknown human {name!r}; known prefixes: {sorted(HUMANS)}")


__all__ = ["CHOICES", "Decision", "ExpertHuman", "HUMANS", "Human", "ReferenceHuman", "SimulatorFailure", "make_human",
           "reference_program"]
