"""What ``run.json`` records of each agent: what it does (its behaviour, which ``--resume`` compares) and what
computes it (engine, model, weights, adapter, which the report's setup line says)."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from codeassist_env.bench.engine import backend_engine

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# The facts that decide what an agent suggests (the runner compares them on --resume): a default that changes
# between releases (a prompt mode, a retrained shipped adapter) must not mix old and new episodes under one
# name. The others (engine, weights) say what computed it.
BEHAVIOUR_FACTS = ("class", "mode", "length_rule", "stop", "budget")


def weights(model: Any, gguf_path: Path | None) -> dict[str, Any]:
    """How a local model's weights are stored and computed: transformers dequantises a GGUF file's
    quantised tensors on load, so the file type and the compute dtype differ."""
    facts: dict[str, Any] = {"dtype": str(model.dtype).removeprefix("torch.")}
    file_type = gguf_file_type(gguf_path) if gguf_path is not None else None
    if file_type is not None:
        facts["file_type"] = file_type
    return facts


@functools.lru_cache(maxsize=None)
def gguf_file_type(path: Path) -> str | None:
    """A GGUF file's quantisation (e.g. Q4_1), read once a file: the agents of a run share one file, and its
    reader takes seconds to parse the header."""
    from gguf import GGUFReader, LlamaFileType

    field = GGUFReader(path).fields.get("general.file_type")
    return None if field is None else LlamaFileType(int(field.parts[field.data[0]][0])).name.removeprefix("MOSTLY_")


def agent_facts(agent: Any) -> dict[str, Any]:
    """The record of one built agent; an LM agent's backend says what it computes with (``info``)."""
    facts: dict[str, Any] = {"class": type(agent).__name__}
    backend = getattr(agent, "backend", None)
    if backend is None:
        return facts
    facts.update(
        backend=backend.name,
        mode=getattr(agent, "mode", None),
        stop=list(getattr(agent, "stop", ())),
        budget=getattr(agent, "budget", None),
    )
    rule = getattr(agent, "length_rule", None)
    if dataclasses.is_dataclass(rule):
        # An agent's length rule is an instance (TokenCap, LikelihoodCut), not a dataclass type.
        facts["length_rule"] = {"rule": type(rule).__name__, **dataclasses.asdict(cast("DataclassInstance", rule))}
    info = backend.info
    facts["engine"] = backend_engine(backend)
    facts["weights"] = {"served": True}
    if info.served_at is None:
        from codeassist_env.models import resolve_model

        source = resolve_model(info.model)
        gguf = Path(source.directory) / source.gguf_file if source.gguf_file else None
        facts.update(model_source=source.label, weights=weights(backend.model, gguf))
    if info.adapter:
        from codeassist_env.training.finetune import read_manifest

        facts["adapter_manifest"] = read_manifest(info.adapter)
    return facts
