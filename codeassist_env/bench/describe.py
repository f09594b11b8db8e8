"""The setup of a run in words, for the top of the report: problems, the human and its settings, the
protocol (K_H, rounds), and each agent's model, weights, prompt mode and adapter, all read from what
``run.json`` recorded. A fact an older run did not record is said to be missing, not guessed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from codeassist_env.bench.engine import engine_label
from codeassist_env.tokenizer import CODE_TOKENIZER_NAME

NOT_RECORDED = "not recorded in run.json"


def _problems(run: dict[str, Any]) -> str:
    config = run["config"]
    ids = run.get("problem_ids", [])
    split = f" split `{config['split']}`" if config.get("split") else " (all splits)"
    limit = f" (the first {config['limit']} of the split: limit)" if config.get("limit") else ""
    count = f"{len(ids)} problem{'' if len(ids) == 1 else 's'}"
    return f"- problems: `{config['problems']}`{split}, {count}{limit}, {config['seeds']} seed(s) each"


def _human(run: dict[str, Any]) -> str:
    config = run["config"]
    facts = run.get("human")
    if facts:
        settings = ", ".join(f"{k} {v}" for k, v in facts["settings"].items() if k != "tokenizer")
        what = f"{facts['class']}" + (f"; {settings}" if settings else "")
    else:
        what = "settings " + NOT_RECORDED + (f"; model {config['human_model']}" if config.get("human_model") else "")
    return (
        f"- human: `{config['human']}` ({what}); writes K_H = {config['human_tokens']} tokens a round; "
        f"at most {config['max_rounds']} rounds an episode; tokens counted with "
        f"`{run.get('tokenizer', CODE_TOKENIZER_NAME)}`; sandbox {config['sandbox']}"
    )


def _weights(facts: dict[str, Any]) -> str:
    weights = facts.get("weights")
    if not weights:
        return "weights " + NOT_RECORDED
    if weights.get("served"):
        return "weights and quantisation are the server's, not visible to the client"
    stored = f"{weights['file_type']} in the GGUF file" if weights.get("file_type") else "stored weights"
    return f"{stored}, computed in {weights['dtype']}"


def _length_rule(facts: dict[str, Any]) -> str:
    rule = facts.get("length_rule")
    if not rule:
        return "length rule " + NOT_RECORDED
    if rule["rule"] == "TokenCap":
        if rule.get("n") is not None:
            return f"at most N = {rule['n']} tokens a suggestion"
        budget = facts.get("budget")
        return "suggestions up to the stop token" + (f", at most {budget} tokens" if budget else "")
    if rule["rule"] == "LikelihoodCut":
        return (
            f"cut where the suggestion's summed NLL passes η = {rule['eta_nats'] / math.log(2):.3g} bits "
            f"({rule['eta_nats']:.3g} nats)"
        )
    return f"length rule {rule}"


def _adapter(manifest: dict[str, Any], backend: str) -> str:
    name = Path(backend.partition("+")[2]).name or "?"
    trained = [f"method {manifest.get('method')}"]
    if manifest.get("eta") is not None:
        trained.append(f"η = {manifest['eta']:g} {manifest.get('eta_unit', 'bits')}")
    if manifest.get("n") is not None:
        trained.append(f"N = {manifest['n']}")
    if manifest.get("n_examples") is not None:
        trained.append(f"{manifest['n_examples']} examples")
    return f"LoRA adapter `{name}` ({', '.join(trained)})"


def agent_line(name: str, facts: dict[str, Any] | None) -> str:
    if not facts:
        return f"  - `{name}`: {NOT_RECORDED}"
    kind = facts.get("class", "?")
    if kind == "NullAgent":
        return f"  - `{name}`: never suggests (the human alone)"
    if kind == "OracleAgent":
        return f"  - `{name}`: suggests the reference solution's next tokens (knows the answer; a ceiling)"
    if "backend" not in facts:
        return f"  - `{name}`: {kind}"
    backend = facts["backend"]
    kind, _, rest = backend.partition(":")
    model = rest.partition("+")[0]
    if kind == "openai":  # OpenAICompletionsBackend.name: openai:MODEL@BASE_URL
        model, _, url = model.partition("@")
        where = f"served at {url}"
    else:
        source = facts.get("model_source") or model
        # A GGUF file by its name (its directory is in run.json): the name carries model and quantisation.
        model, where = Path(source).name if source.endswith(".gguf") else source, "local transformers"
    parts = [f"model `{model}` ({where}; {_weights(facts)})", f"prompt mode {facts.get('mode')}", _length_rule(facts)]
    if facts.get("adapter_manifest"):
        parts.append(_adapter(facts["adapter_manifest"], backend))
    if facts.get("stop"):
        parts.append("stops at " + ", ".join(f"`{s}`" for s in facts["stop"]))
    return f"  - `{name}`: " + "; ".join(parts)


def setup_lines(run: dict[str, Any], directories: list[Path]) -> list[str]:
    machine = run.get("machine", {})
    agents = run.get("agents", {})
    return [
        _problems(run),
        _human(run),
        "- agents:",
        *(agent_line(name, agents.get(name)) for name in run["config"]["agents"]),
        "- engine of the agents: " + engine_label(run["engine"]),
        f"- runs merged: {', '.join(str(d) for d in directories)} (config {run['config_hash']})",
        f"- machine: {machine.get('cpu_count')} CPUs ({machine.get('cpu_model')}), Python {machine.get('python')}",
        *([numerics_line(run["numerics"])] if run.get("numerics") else []),
    ]


def numerics_line(numerics: dict[str, Any]) -> str:
    """What decided the local engine's bits (``codeassist_env.numerics``), in one line."""
    flags = ", ".join(numerics.get("cpu_flags") or []) or "none of note"
    return (
        f"- numerics of the local engine: CPU flags {flags}; {numerics.get('math_library')} dispatching to "
        f"{numerics.get('mkl_instructions')!r} (CNR {numerics.get('mkl_cnr')}); torch {numerics.get('torch')} "
        f"with {numerics.get('torch_capability')} kernels, {numerics.get('torch_threads')} thread(s)"
    )
