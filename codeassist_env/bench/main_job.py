"""The main job, what ``codeassist bench`` runs without ``--agents``, and the engine that computes the agents.

The main job is the paper's protocol offline: the bundled set's test split, the expert programmer, 50
rounds of K_H = 10, bubblewrap, and five agents on SmolLM2-135M with the adapters shipped in the package.
It covers all 30 test problems, on the local transformers backend or, with ``--engine vllm``, on a vLLM
server of its own (docs/bench.md and docs/vllm.md have both times).
"""

from __future__ import annotations

from dataclasses import dataclass

from codeassist_env.engines import Engine
from codeassist_env.errors import InputError

AGENTS = ("none", "base-10", "sft-10", "empower", "empower-infer:1")
FALLBACKS = {"empower": "empower-infer:1"}  # when the shipped adapter is not there

ENGINES = ("auto", Engine.VLLM, Engine.TRANSFORMERS)


@dataclass(frozen=True)
class MainJob:
    agents: tuple[str, ...]
    notes: tuple[str, ...]  # agents replaced or left out, and why


def _shipped_adapter_missing(name: str) -> str | None:
    """Why the shipped adapter behind agent ``name`` cannot be loaded, or None if it can."""
    from codeassist_env.agents import shipped_adapter_dir
    from codeassist_env.training.finetune import read_manifest

    directory = shipped_adapter_dir(name)
    if directory is None:
        return None
    try:
        read_manifest(directory)
    except (FileNotFoundError, ValueError) as error:
        return str(error)
    return None


def main_job() -> MainJob:
    """The main job's agents, shipped adapters that are missing replaced or dropped."""
    agents, notes = [], []
    for name in AGENTS:
        missing = _shipped_adapter_missing(name)
        if missing is None:
            agents.append(name)
        elif name in FALLBACKS:
            agents.append(FALLBACKS[name])
            notes.append(f"agent {name!r}: shipped adapter not loadable ({missing}); using {FALLBACKS[name]!r}")
        else:
            notes.append(f"agent {name!r}: shipped adapter not loadable ({missing}); left out")
    return MainJob(tuple(agents), tuple(notes))


def choose_engine(asked: str, *, served_elsewhere: bool) -> str | None:
    """The engine that computes the agents: ``vllm`` (a server this run starts), ``transformers`` (local, also
    what ``auto`` picks), or None when the agents are pointed at a server already running
    (``served_elsewhere``). ``auto`` is the local backend by measurement: on 2 CPU cores the main job on vLLM
    took as long per problem as on the local backend (docs/vllm.md), and the local backend needs nothing more
    installed."""
    if asked not in ENGINES:
        raise InputError(f"engine {asked!r}: expected one of {', '.join(ENGINES)}")
    if served_elsewhere:
        if asked == Engine.VLLM:
            raise InputError(
                "engine 'vllm' starts a vLLM server for the agents; the backend's base_url points them "
                "at one already running: give one of the two"
            )
        return None
    if asked == Engine.VLLM:
        from codeassist_env.vllm_server import vllm_python

        vllm_python()  # not installed: bad input now, before anything starts
        return Engine.VLLM
    return Engine.TRANSFORMERS
