"""Training sets for Empower and its baselines, written as JSONL records (docs/protocol.md §4).

Every method starts from the same documents and the same seeded cut points
(:mod:`codeassist_env.training.empower`); only the target differs:

- :func:`build_empower`: Algorithm 1's target (:func:`codeassist_env.training.empower.empower_targets`);
- :func:`build_sft`: the next N tokens; :func:`build_sft_rand`: the next k tokens, k uniform in
  [lo, hi] (drawn per document from the same seed).

Cuts fall on model-token boundaries: prefix = decode(tokens[:n]), target = decode(tokens[n:n+k]). An
example whose two halves do not decode back to the document text (a cut inside a multi-byte character)
is dropped. Skipped, truncated and dropped documents are counted in :class:`DatasetStats`.

Records (JSONL): doc_id, cut, prefix, target, stop, prefix_tokens, target_tokens, doc_tokens, method, and for
Empower the target's NLL (nats) and η.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, cast

import numpy as np

from codeassist_env.errors import InputError, MissingFile
from codeassist_env.training.corpus import jsonl_records
from codeassist_env.training.empower import (
    Scorer,
    Target,
    TokenizedDocument,
    document_rng,
    draw_cuts,
    empower_targets,
    eta_to_nats,
)


@dataclass
class DatasetStats:
    method: str
    documents: int = 0
    examples: int = 0
    skipped_short: int = 0  # fewer than 2 tokens
    truncated_long: int = 0  # longer than max_tokens, cut to the first max_tokens
    dropped_split_character: int = 0
    empty_targets: int = 0
    whole_rest_targets: int = 0  # the target runs to the end of the (kept) document
    target_tokens_mean: float = 0.0
    target_tokens_histogram: dict[str, int] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def empty_share(self) -> float:
        return self.empty_targets / self.examples if self.examples else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "empty_share": round(self.empty_share, 4)}

    def summary(self) -> str:
        histogram = " ".join(f"{k}:{v}" for k, v in self.target_tokens_histogram.items())
        return (
            f"{self.method}: {self.examples} examples from {self.documents} documents "
            f"(skipped {self.skipped_short} short, truncated {self.truncated_long} long, dropped "
            f"{self.dropped_split_character} split-character); empty targets "
            f"{self.empty_targets} ({self.empty_share:.1%}), whole-rest {self.whole_rest_targets}; "
            f"mean target {self.target_tokens_mean:.1f} tokens; histogram {histogram}"
        )


HISTOGRAM_EDGES = (0, 1, 2, 5, 10, 20, 50, 100)


def _histogram(lengths: Sequence[int]) -> dict[str, int]:
    """Counts per bin: "0", "1", "2-4", "5-9", ..., "100+"."""
    out: dict[str, int] = {}
    edges = list(HISTOGRAM_EDGES)
    for lo, hi in zip(edges, edges[1:] + [None]):
        label = f"{lo}+" if hi is None else (str(lo) if hi == lo + 1 else f"{lo}-{hi - 1}")
        out[label] = sum(1 for n in lengths if n >= lo and (hi is None or n < hi))
    return out


def _decode(tokenizer: Any, ids: Sequence[int]) -> str:
    return tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)


def _build(
    method: str,
    documents: Sequence[TokenizedDocument],
    tokenizer: Any,
    targets: Mapping[str, Target],
    *,
    seed: int,
    stop: str,
    params: dict[str, Any],
    extra: Callable[[TokenizedDocument, Target], dict[str, Any]] = lambda _doc, _target: {},
) -> tuple[list[dict], DatasetStats]:
    """Records of ``targets`` (documents without one had no cut), in document order, and their counts."""
    stats = DatasetStats(method=method, documents=len(documents), params={**params, "seed": seed})
    records, lengths = [], []
    for doc in documents:
        stats.truncated_long += doc.truncated
        if doc.id not in targets:
            stats.skipped_short += 1
            continue
        target = targets[doc.id]
        cut, k = target.cut, target.length
        prefix, text, rest = (
            _decode(tokenizer, doc.ids[:cut]),
            _decode(tokenizer, doc.ids[cut : cut + k]),
            _decode(tokenizer, doc.ids[cut + k :]),
        )
        if prefix + text + rest != _decode(tokenizer, doc.ids):
            stats.dropped_split_character += 1
            continue
        records.append(
            {
                "doc_id": doc.id,
                "cut": cut,
                "prefix": prefix,
                "target": text,
                "stop": stop,
                "prefix_tokens": cut,
                "target_tokens": k,
                "doc_tokens": len(doc.ids),
                "method": method,
                **extra(doc, target),
            }
        )
        lengths.append(k)
        stats.empty_targets += k == 0
        stats.whole_rest_targets += cut + k == len(doc.ids)
    stats.examples = len(records)
    stats.target_tokens_mean = float(np.mean(lengths)) if lengths else 0.0
    stats.target_tokens_histogram = _histogram(lengths)
    return records, stats


def build_empower(
    documents: Sequence[TokenizedDocument],
    tokenizer: Any,
    scorer: Scorer,
    *,
    eta: float,
    unit: str = "bits",
    seed: int = 0,
    stop: str | None = None,
) -> tuple[list[dict], DatasetStats]:
    """Empower's training set: Algorithm 1 with one forward pass per document (batched by ``scorer``)."""
    eta_nats = eta_to_nats(eta, unit)
    targets = empower_targets(documents, scorer, eta_nats=eta_nats, seed=seed)
    return _build(
        "empower",
        documents,
        tokenizer,
        targets,
        seed=seed,
        stop=stop or tokenizer.eos_token,
        params={"eta": eta, "eta_unit": unit, "eta_nats": eta_nats},
        # empower_targets gives every target its NLL (only the SFT baselines' are None).
        extra=lambda _doc, target: {
            "target_nll_nats": round(cast(float, target.nll_nats), 6),
            "eta": eta,
            "eta_unit": unit,
        },
    )


def build_sft(
    documents: Sequence[TokenizedDocument], tokenizer: Any, *, n: int, seed: int = 0, stop: str | None = None
) -> tuple[list[dict], DatasetStats]:
    """SFT-N: the next ``n`` tokens (fewer where the document ends first)."""
    if n < 1:
        raise InputError(f"SFT target length n must be >= 1, got {n}")
    lengths = {doc.id: len(doc.ids) for doc in documents}
    targets = {doc_id: Target(cut, min(n, lengths[doc_id] - cut)) for doc_id, cut in draw_cuts(documents, seed).items()}
    return _build(
        f"sft-{n}", documents, tokenizer, targets, seed=seed, stop=stop or tokenizer.eos_token, params={"n": n}
    )


def _drawn_length(seed: int, doc_id: str, lo: int, hi: int) -> int:
    return int(document_rng(seed, doc_id, salt=1).integers(lo, hi + 1))


def build_sft_rand(
    documents: Sequence[TokenizedDocument],
    tokenizer: Any,
    *,
    lo: int = 1,
    hi: int = 30,
    seed: int = 0,
    stop: str | None = None,
) -> tuple[list[dict], DatasetStats]:
    """SFT-RAND: the next k tokens, k uniform in [lo, hi] per document (independent of its cut)."""
    if not 1 <= lo <= hi:
        raise InputError(f"SFT-RAND needs 1 <= lo <= hi, got lo={lo}, hi={hi}")
    lengths = {doc.id: len(doc.ids) for doc in documents}
    targets = {
        doc_id: Target(cut, min(_drawn_length(seed, doc_id, lo, hi), lengths[doc_id] - cut))
        for doc_id, cut in draw_cuts(documents, seed).items()
    }
    return _build(
        "sft-rand",
        documents,
        tokenizer,
        targets,
        seed=seed,
        stop=stop or tokenizer.eos_token,
        params={"lo": lo, "hi": hi},
        extra=lambda doc, _target: {"drawn_length": _drawn_length(seed, doc.id, lo, hi)},
    )


def write_dataset(records: Sequence[dict], stats: DatasetStats, path: str | Path) -> Path:
    """Write ``path`` (JSONL) and ``path`` + ``.stats.json`` (the summary and build parameters)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    stats_path = path.with_name(path.name + ".stats.json")
    stats_path.write_text(json.dumps(stats.to_dict(), indent=2) + "\n", encoding="utf-8")
    return stats_path


REQUIRED_FIELDS = ("prefix", "target", "stop")


def read_dataset(path: str | Path) -> list[dict]:
    """Records of a dataset JSONL, checked for the fields fine-tuning needs."""
    path = Path(path)
    if not path.is_file():
        raise MissingFile(f"dataset not found: {path}")
    return [record for _, record in jsonl_records(path, required=REQUIRED_FIELDS)]


def read_stats(path: str | Path) -> dict[str, Any]:
    """The ``.stats.json`` written next to a dataset, or {} when there is none."""
    stats_path = Path(str(path) + ".stats.json")
    return json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.is_file() else {}
