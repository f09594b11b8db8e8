"""Simulated humans. ``make_human(name)`` builds one from a short name; ``HUMANS`` is the registry of
human kinds (``codeassist_env.registry``), the one place that knows their names. A name is a kind's
prefix, optionally followed by a dash and an argument (``"whitespace"`` in ``"reference-whitespace"``).
A kind parses the argument first (``parse``: bad arguments are refused before anything is built), then
builds its human with ``build(parsed, **options)``, options being keyword arguments such as
``tokenizer`` and ``sandbox`` (builders ignore options they do not use)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codeassist_env.errors import InputError
from codeassist_env.humans.base import CHOICES, Decision, Human, SimulatorFailure
from codeassist_env.humans.expert import ExpertHuman
from codeassist_env.humans.reference import TOLERANCES, ReferenceHuman, reference_program
from codeassist_env.registry import Kind, Registry
from codeassist_env.sandbox import DEFAULT_BACKEND

# The human when none is named. The environment's is the reference-guided human: it needs nothing but the
# reference solution (no sandbox run per decision), so CodeAssist-v0 is fast out of the box. The benchmark's
# is the expert, which judges a suggestion by what the code does (docs/protocol.md §7.3), as the paper's
# programmer does: the numbers the bench reports are the expert's.
DEFAULT_HUMAN = "reference"
BENCH_HUMAN = "expert"


@dataclass(frozen=True)
class HumanKind(Kind):
    # Humans that answer through a served model: served_model(arg, **options) names it. The bench gives
    # them its --human-* options (base_url, model, cache_mode, cache_path), records the model and stops
    # the run when their endpoint is down.
    served_model: Callable[..., str | None] | None = None
    # Humans that judge a suggestion against the problem's reference or tests: they cannot decide on a
    # real programmer's file, which has neither (``codeassist realism replay`` refuses them).
    needs_reference: bool = False


def _tolerance(arg: str) -> str:
    if (arg or "exact") not in TOLERANCES:
        raise InputError(
            f"human 'reference-{arg}': the part after 'reference-' is the tolerance, one of {', '.join(TOLERANCES)}"
        )
    return arg or "exact"


def _miss_rate_of(kind: str) -> Callable[[str], float]:
    def parse(arg: str) -> float:
        try:
            miss_rate = float(arg) if arg else 0.0
        except ValueError:
            miss_rate = -1.0
        if not 0.0 <= miss_rate <= 1.0:
            raise InputError(
                f"human '{kind}-{arg}': the part after '{kind}-' is the miss rate, a number in [0, 1] (e.g. {kind}-0.2)"
            )
        return miss_rate

    return parse


def _reference(tolerance: str, tokenizer=None, **_: Any) -> ReferenceHuman:
    return ReferenceHuman(tolerance=tolerance, tokenizer=tokenizer)


def _expert(miss_rate: float, tokenizer=None, sandbox: Any = DEFAULT_BACKEND, **_: Any) -> ExpertHuman:
    return ExpertHuman(miss_rate=miss_rate, tokenizer=tokenizer, sandbox=sandbox)


def _calibrated(miss_rate: float, tokenizer=None, sandbox: Any = DEFAULT_BACKEND, **_: Any) -> Human:
    from codeassist_env.humans.calibrated import CalibratedHuman  # numpy's model, loaded only when asked

    return CalibratedHuman(miss_rate=miss_rate, tokenizer=tokenizer, sandbox=sandbox)


def _llm_config(
    arg: str,
    base_url: str | None = None,
    model: str | None = None,
    cache_mode: str | None = None,
    cache_path: str | None = None,
    acceptor_mode: str | None = None,
    score_samples: int | None = None,
    **_: Any,
) -> Any:
    # Imported here so that `import codeassist_env` does not pay for the openai client.
    from codeassist_env.humans.llm import LLMHumanConfig

    return LLMHumanConfig.from_env(
        base_url=base_url,
        model=model or arg or None,
        cache_mode=cache_mode,
        cache_path=cache_path,
        acceptor_mode=acceptor_mode,
        score_samples=score_samples,
    )


def _llm(arg: str, **options: Any) -> Human:
    from codeassist_env.humans.llm import LLMHuman

    return LLMHuman(_llm_config(arg, **options))


HUMANS: Registry[HumanKind] = Registry("human", separators="-")
HUMANS.register(
    HumanKind(
        "reference",
        _reference,
        "types the reference solution; reference-whitespace accepts suggestions equal up to whitespace",
        _tolerance,
        needs_reference=True,
    )
)
HUMANS.register(
    HumanKind(
        "expert",
        _expert,
        "the expert programmer; expert-MISS misses a share of the bugs",
        _miss_rate_of("expert"),
        needs_reference=True,
    )
)
HUMANS.register(
    HumanKind(
        "expert-real",
        _calibrated,
        "the expert, calibrated on real programmers' decisions of "
        "what is worth taking; expert-real-MISS misses a share of the bugs",
        _miss_rate_of("expert-real"),
        needs_reference=True,
    )
)
HUMANS.register(
    HumanKind(
        "llm",
        _llm,
        "an LLM behind an OpenAI-compatible endpoint (llm-MODEL names the model)",
        served_model=lambda arg, **options: _llm_config(arg, **options).model,
    )
)


def make_human(name: str, **options: Any) -> Human:
    """``"reference"`` (exact), ``"reference-whitespace"``, ``"expert"`` / ``"expert-MISS"`` (miss rate),
    ``"expert-real"`` / ``"expert-real-MISS"`` (the expert calibrated on real decisions),
    ``"llm"`` / ``"llm-<model>"`` (an OpenAI-compatible chat endpoint configured by ``CODEASSIST_HUMAN_*``),
    or any other registered name."""
    return HUMANS.build(name, **options)


__all__ = [
    "BENCH_HUMAN",
    "CHOICES",
    "DEFAULT_HUMAN",
    "Decision",
    "ExpertHuman",
    "HUMANS",
    "Human",
    "HumanKind",
    "ReferenceHuman",
    "SimulatorFailure",
    "make_human",
    "reference_program",
]
