"""Which engine computed the LM agents' suggestions: local transformers, or a served vLLM, llama.cpp or other
OpenAI-compatible server. Recorded per agent and for the run in ``run.json`` (``engine``), said in the
report's setup line, and compared by ``--resume``: engines compute differently (vLLM in bf16, with its own
kernels and batching; llama.cpp on quantised weights), so one run's episodes come from one engine.

A served engine is known by the ``owned_by`` of its models in ``/v1/models`` (see
:mod:`codeassist_env.agents.server_kinds`) and, for vLLM, its ``/version`` route.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from codeassist_env.engines import Engine, OwnedBy, served_engine


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _served_version(backend: Any, kind: str) -> str | None:
    if kind != OwnedBy.VLLM:
        return None
    import httpx

    root = str(backend.base_url).split(",")[0].rstrip("/").removesuffix("/v1")
    try:
        response = httpx.get(f"{root}/version", timeout=10.0)
        response.raise_for_status()
        return str(response.json().get("version")) or None
    except (httpx.HTTPError, ValueError, AttributeError):
        return None


def backend_engine(backend: Any) -> dict[str, Any]:
    """The engine behind an agent's backend (a served one is asked which it is)."""
    info = getattr(backend, "info", None)
    if info is None:
        return {"name": None, "where": None, "unknown": f"backend {getattr(backend, 'name', type(backend))!r}"}
    if info.served_at is None:
        dtype = str(getattr(backend.model, "dtype", "")).removeprefix("torch.") or None
        return {
            "name": Engine.TRANSFORMERS,
            "version": _version("transformers"),
            "where": "local",
            "device": getattr(backend, "device", None),
            "dtype": dtype,
            "batched": getattr(backend, "decoder", None) is not None,
        }
    url = info.served_at
    try:
        kind = backend.server_kind()
    except Exception as error:  # a server that does not answer now: its episodes will say so
        return {"name": None, "where": url, "unknown": f"{type(error).__name__}: {error}"[:200]}
    return {"name": served_engine(kind), "version": _served_version(backend, kind), "where": url, "owned_by": kind}


def run_engine(agent_facts: dict[str, Any]) -> dict[str, Any] | None:
    """The run's engine: that of its LM agents (they share one backend option set); None when no agent
    uses a language model. Agents on different engines (not made by the CLI) are listed under ``mixed``."""
    engines = [facts["engine"] for facts in agent_facts.values() if facts and facts.get("engine")]
    distinct = []
    for engine in engines:
        if engine not in distinct:
            distinct.append(engine)
    if not distinct:
        return None
    if len({e.get("name") for e in distinct}) == 1:
        return distinct[0]
    return {"name": "+".join(sorted(str(e.get("name")) for e in distinct)), "mixed": distinct}


def recorded_engine_name(run: dict[str, Any]) -> tuple[bool, str | None]:
    """(known, name) of the engine a run (its run.json, as ``store.read_run`` reads it) recorded."""
    engine = run["engine"]
    if engine is None:
        return True, None
    return engine.get("name") is not None, engine.get("name")


def engine_label(engine: dict[str, Any] | None) -> str:
    """The engine in words, e.g. ``vllm 0.32.0, served at http://127.0.0.1:8000/v1``."""
    if engine is None:
        return "none (no agent uses a language model)"
    if engine.get("mixed"):
        return "; ".join(engine_label(e) for e in engine["mixed"])
    if engine.get("name") is None:
        return f"unknown (served at {engine.get('where')}; {engine.get('unknown')})"
    head = engine["name"] + (f" {engine['version']}" if engine.get("version") else "")
    if engine.get("where") == "local":
        details = ", ".join(
            [str(engine[k]) for k in ("device", "dtype") if engine.get(k)]
            + (["batched"] if engine.get("batched") else [])
        )
        return f"{head}, local" + (f" ({details})" if details else "")
    owned = f" (owned_by {engine['owned_by']!r})" if engine["name"] == Engine.OPENAI_COMPATIBLE else ""
    return f"{head}, served at {engine.get('where')}{owned}"


def refuse_mixed_engines(out: Any, previous: dict[str, Any], now: dict[str, Any] | None) -> None:
    """Raise ``RunStoreError`` when ``previous`` (run.json) ran on another engine than ``now`` would."""
    from codeassist_env.bench.store import RunStoreError

    known, before = recorded_engine_name(previous)
    after = None if now is None else now.get("name")
    if not known or (now is not None and after is None):  # one side cannot be told: nothing to compare
        return
    batched_before = bool((previous["engine"] or {}).get("batched"))
    # ``after`` names an engine only when ``now`` is given.
    if before == after == Engine.TRANSFORMERS and now is not None and batched_before != bool(now.get("batched")):
        raise RunStoreError(
            f"cannot resume {out}: it ran {'batched' if batched_before else 'unbatched'} on "
            f"{before}, this run would use {engine_label(now)}; "
            "batched and unbatched decoding can differ at near-ties: "
            "resume with the same --agent-unbatched setting or write to another --out"
        )
    if before != after:
        was = engine_label(previous["engine"])
        raise RunStoreError(
            f"cannot resume {out}: it ran on {was}, this run would use {engine_label(now)}; "
            "one run's episodes come from one engine: serve the same engine again or write to "
            "another --out"
        )


def local_numerics(engine: dict[str, Any] | None) -> dict[str, Any] | None:
    """What decides the bits of the local engine's numbers (``codeassist_env.numerics``); None for a run with no
    local model, whose numbers come from a server or from no model at all."""
    if engine is None or engine.get("name") != Engine.TRANSFORMERS:
        return None
    from codeassist_env.numerics import numerics_facts

    return numerics_facts()


def numerics_warning(out: Any, previous: dict[str, Any] | None, now: dict[str, Any] | None) -> list[str]:
    """A warning for ``--resume`` when the episodes so far were computed with other numerics than this run's:
    the new episodes may then differ from what the old machine would have given in the last bits (and, at a
    near-tie, in a token). A warning, not a refusal: ``codeassist report --compare`` checks the result."""
    from codeassist_env.numerics import numerics_differences

    before = (previous or {}).get("numerics")
    if not before or not now:
        return []
    changed = numerics_differences(before, now)
    if not changed:
        return []
    return [
        f"warning: {out} was run with other numerics than this machine's ({'; '.join(changed)}); episodes "
        "computed here may differ from those the first machine would have given: compare a rerun with "
        "codeassist report --compare"
    ]
