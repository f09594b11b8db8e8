"""Assistant agents. ``make_agent(name)`` builds one from a one-line name; ``AGENTS`` is the registry of
agent kinds (``codeassist_env.registry``), the one place that knows their names. A name is a kind's
prefix, optionally followed by a dash or colon and an argument (``"10"`` in ``"oracle-10"``, ``"0.32"``
in ``"empower-infer:0.32"``, ``""`` in ``"none"``). Each ``AgentKind`` parses the argument first
(``parse``: bad arguments are refused before anything is built) and then builds the agent from it with
keyword options such as ``problems``, ``tokenizer`` and ``backend_options`` (builders ignore options
they do not use)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.agents.base import Agent
from codeassist_env.agents.factories import (
    ADAPTERS_DIR,
    EMPOWER_ADAPTER,
    make_base,
    make_empower,
    make_inference_empower,
    make_sft,
    model_resources,
    no_model_resources,
    parse_base,
    parse_eta,
    parse_sft,
    sft_adapter,
)
from codeassist_env.agents.simple import NullAgent, OracleAgent
from codeassist_env.errors import InputError
from codeassist_env.registry import Kind, Registry


def _no_argument(arg: str) -> None:
    if arg:
        raise InputError(f"agent 'none' takes no argument, got {arg!r}")


@dataclass(frozen=True)
class AgentKind(Kind):
    lm: bool = False  # runs a language model (the bench sets torch's threads for local ones)
    default_adapter: Callable[[Any], str | None] | None = None  # shipped adapter loaded for a parsed argument
    # What a worker that runs this kind needs, as Ray resources, for the run's BackendOptions (the bench's
    # --executor ray sizes its workers by it): a CPU; a GPU for a local model on a GPU device.
    resources: Callable[[Any], dict[str, float]] = no_model_resources


def _oracle_n(arg: str) -> int:
    if arg and not arg.isdigit():
        raise InputError(f"agent 'oracle-{arg}': expected a token count after the dash, e.g. oracle-10")
    return int(arg) if arg else 10


def _oracle(n: int, problems=None, tokenizer=None, **_: Any) -> OracleAgent:
    if problems is None:
        raise InputError("agent 'oracle-N' needs problems= (the problem set the environment uses)")
    return OracleAgent(n, problems=problems, tokenizer=tokenizer)


AGENTS: Registry[AgentKind] = Registry("agent", separators="-:")
AGENTS.register(AgentKind("none", lambda _, **__: NullAgent(), "never suggests (the human alone)", _no_argument))
AGENTS.register(AgentKind("oracle", _oracle, "oracle-N: the next N tokens of the reference solution", _oracle_n))
# LM assistants; options: backend_options=BackendOptions(...) (codeassist_env.agents.factories)
AGENTS.register(
    AgentKind(
        "base",
        make_base,
        "base / base-N: the untrained model (N tokens)",
        parse_base,
        lm=True,
        resources=model_resources,
    )
)
AGENTS.register(
    AgentKind(
        "sft",
        make_sft,
        "sft-N / sft-N:PATH: fine-tuned on N-token targets",
        parse_sft,
        lm=True,
        default_adapter=sft_adapter,
        resources=model_resources,
    )
)
AGENTS.register(
    AgentKind(
        "empower",
        make_empower,
        "empower / empower:PATH: the Empower adapter",
        lm=True,
        default_adapter=lambda path: None if path else EMPOWER_ADAPTER,
        resources=model_resources,
    )
)
AGENTS.register(
    AgentKind(
        "empower-infer",
        make_inference_empower,
        "empower-infer:ETA: Empower's likelihood cut at inference (η bits)",
        parse_eta,
        lm=True,
        resources=model_resources,
    )
)


def make_agent(name: str, **options: Any) -> Agent:
    """Build an agent from a name such as ``none`` or ``oracle-10`` (``AGENTS.parse(name)`` only checks it)."""
    return AGENTS.build(name, **options)


def shipped_adapter_dir(name: str) -> Path | None:
    """The shipped adapter that agent ``name`` ("empower", "sft-10", ...) loads by default, else None."""
    kind, parsed = AGENTS.parse(name)
    adapter = kind.default_adapter(parsed) if kind.default_adapter else None
    return ADAPTERS_DIR / adapter if adapter else None


def play_episode(
    env: Any,
    agent: Agent,
    *,
    problem_id: str | None = None,
    seed: int | None = None,
    act: Callable[[dict[str, Any]], str] | None = None,
    agent_timeout: float | None = None,
) -> dict[str, Any]:
    """Play one CodeAssist-v0 episode to its end and return the last ``info`` (transcript, passed,
    metrics). ``act`` replaces ``agent.act`` for callers that wrap it (timing, locks).

    The assistant's own failures end the episode charged to it (docs/protocol.md §2.6): a call of
    ``agent.reset`` or ``act`` that raises or, with ``agent_timeout`` seconds given, takes longer, and an
    action ``env.step`` refuses (``InvalidAction``). The episode then scores 0 and ``info["agent_failure"]``
    says why; after a missed deadline do not use ``agent`` again (its call may still be running)."""
    from codeassist_env.agents.deadline import AgentCalls, AgentFailed, AgentFailure
    from codeassist_env.env import InvalidAction

    obs, info = env.reset(seed=seed, options=None if problem_id is None else {"problem_id": problem_id})
    calls = AgentCalls(agent_timeout, name=type(agent).__name__)
    act = act or agent.act
    try:
        calls.call("reset", agent.reset, info)
        terminated = truncated = False
        while not (terminated or truncated):
            action = calls.call("act", act, obs)
            try:
                obs, _, terminated, truncated, info = env.step(action)
            except InvalidAction as error:
                raise AgentFailed(AgentFailure.INVALID_ACTION, str(error)) from error
    except AgentFailed as failure:
        return env.unwrapped.fail_agent(str(failure))[-1]
    finally:
        calls.close()
    return info


__all__ = [
    "AGENTS",
    "Agent",
    "AgentKind",
    "NullAgent",
    "OracleAgent",
    "make_agent",
    "play_episode",
    "shipped_adapter_dir",
]
