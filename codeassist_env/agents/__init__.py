"""Assistant agents. ``make_agent(name)`` builds one from a one-line name; ``AGENTS`` maps a name
prefix to a factory ``factory(arg, **options)``, where ``arg`` is the rest of the name after the
prefix and a dash or colon (``"10"`` in ``"oracle-10"``, ``"0.32"`` in ``"empower-infer:0.32"``,
``""`` in ``"none"``) and ``options`` are keyword arguments such as ``problems`` and ``tokenizer``
(factories ignore options they do not use)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from codeassist_env.agents.base import Agent
from codeassist_env.agents.factories import make_base, make_empower, make_inference_empower, make_sft
from codeassist_env.agents.simple import NullAgent, OracleAgent


def _int_arg(name: str, arg: str, default: int) -> int:
    if not arg:
        return default
    if not arg.isdigit():
        raise ValueError(f"agent {name!r}: expected a token count after the dash, got {arg!r}")
    return int(arg)


def _oracle(arg: str, problems=None, tokenizer=None, **_: Any) -> OracleAgent:
    if problems is None:
        raise ValueError("agent 'oracle-N' needs problems= (the problem set the environment uses)")
    return OracleAgent(_int_arg("oracle", arg, 10), problems=problems, tokenizer=tokenizer)


AGENTS: dict[str, Callable[..., Agent]] = {
    "none": lambda arg, **_: NullAgent(),
    "oracle": _oracle,
    # LM assistants; options: backend_options=BackendOptions(...) (codeassist_env.agents.factories)
    "base": make_base,
    "sft": make_sft,
    "empower": make_empower,
    "empower-infer": make_inference_empower,
}


def make_agent(name: str, **options: Any) -> Agent:
    """Build an agent from a name such as ``none`` or ``oracle-10``."""
    for prefix in sorted(AGENTS, key=len, reverse=True):  # longest prefix wins
        if name == prefix or name.startswith((prefix + "-", prefix + ":")):
            return AGENTS[prefix](name[len(prefix) + 1:], **options)
    raise ValueError(f"unknown agent {name!r}; known prefixes: {sorted(AGENTS)}")


def play_episode(env: Any, agent: Agent, *, problem_id: str | None = None, seed: int | None = None,
                 act: Callable[[dict[str, Any]], str] | None = None) -> dict[str, Any]:
    """Play one CodeAssist-v0 episode to its end and return the last ``info`` (transcript, passed,
    metrics). ``act`` replaces ``agent.act`` for callers that wrap it (timing, locks)."""
    obs, info = env.reset(seed=seed, options=None if problem_id is None else {"problem_id": problem_id})
    agent.reset(info)
    act = act or agent.act
    terminated = truncated = False
    while not (terminated or truncated):
        obs, _, terminated, truncated, info = env.step(act(obs))
    return info


__all__ = ["AGENTS", "Agent", "NullAgent", "OracleAgent", "make_agent", "play_episode"]
