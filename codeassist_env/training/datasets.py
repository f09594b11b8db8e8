"""Training sets for Empower and its baselines, all from the same seeded cut points (docs/protocol.md §4).

Pipeline: documents -> :func:`tokenize_documents` (model tokens; long documents truncated) ->
:func:`draw_cuts` (one cut n per document, uniform in [1, N)) -> a builder:

- :func:`build_empower` — target = the longest continuation whose cumulative NLL under the base model
  stays <= η (needs per-token log-probs from :mod:`codeassist_env.training.scoring`);
- :func:`build_sft` — target = the next N tokens; :func:`build_sft_rand` — next k tokens, k uniform in
  [lo, hi] (drawn per document from the same seed).

Rules, all counted in :class:`DatasetStats`:

- Documents with fewer than 2 tokens have no valid cut and are skipped.
- Documents longer than ``max_tokens`` model tokens are truncated to their first ``max_tokens`` tokens
  (the prefix a model sees must fit its context; the cut is drawn inside the kept part).
- Cuts fall on model-token boundaries: prefix = decode(tokens[:n]), target = decode(tokens[n:n+k]).
  An example whose two halves do not decode back to the document text (a cut inside a multi-byte
  character) is dropped.

Records (JSONL): doc_id, cut, prefix, target, stop, prefix_tokens, target_tokens, doc_tokens, method, and for
Empower the target's NLL (nats) and η. The cut point of a document depends only on (seed, doc id, N),
so every builder given the same documents and seed uses the same cuts.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from codeassist_env.training.corpus import Document, jsonl_records
from codeassist_env.training.scoring import Scorer, empower_target_length, encode_document, eta_to_nats


@dataclass(frozen=True)
class TokenizedDocument:
    id: str
    ids: list[int]
    truncated: bool = False


@dataclass
class DatasetStats:
    method: str
    documents: int = 0
    examples: int = 0
    skipped_short: int = 0          # fewer than 2 tokens
    truncated_long: int = 0         # longer than max_tokens, cut to the first max_tokens
    dropped_split_character: int = 0
    empty_targets: int = 0
    whole_rest_targets: int = 0     # the target runs to the end of the (kept) document
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
        return (f"{self.method}: {self.examples} examples from {self.documents} documents "
                f"(skipped {self.skipped_short} short, truncated {self.truncated_long} long, dropped "
                f"{self.dropped_split_character} split-character); empty targets "
                f"{self.empty_targets} ({self.empty_share:.1%}), whole-rest {self.whole_rest_targets}; "
                f"mean target {self.target_tokens_mean:.1f} tokens; histogram {histogram}")


HISTOGRAM_EDGES = (0, 1, 2, 5, 10, 20, 50, 100)


def _histogram(lengths: Sequence[int]) -> dict[str, int]:
    """Counts per bin: "0", "1", "2-4", "5-9", ..., "100+"."""
    out: dict[str, int] = {}
    edges = list(HISTOGRAM_EDGES)
    for lo, hi in zip(edges, edges[1:] + [None]):
        label = f"{lo}+" if hi is None else (str(lo) if hi == lo + 1 else f"{lo}-{hi - 1}")
        out[label] = sum(1 for n in lengths if n >= lo and (hi is None or n < hi))
    return out


def tokenize_documents(documents: Iterable[Document], tokenizer: Any,
                       max_tokens: int = 384) -> list[TokenizedDocument]:
    """Model tokens of each document, truncated to the first ``max_tokens`` tokens."""
    out = []
    for doc in documents:
        ids = encode_document(tokenizer, doc.text)
        out.append(TokenizedDocument(doc.id, ids[:max_tokens], truncated=len(ids) > max_tokens))
    return out


def _rng(seed: int, doc_id: str, salt: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(doc_id.encode("utf-8")), salt])


def draw_cuts(documents: Sequence[TokenizedDocument], seed: int) -> dict[str, int]:
    """One cut n per document with N >= 2 tokens, uniform in [1, N); keyed by document id."""
    return {doc.id: int(_rng(seed, doc.id).integers(1, len(doc.ids)))
            for doc in documents if len(doc.ids) >= 2}


def _decode(tokenizer: Any, ids: Sequence[int]) -> str:
    return tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)


def _build(method: str, documents: Sequence[TokenizedDocument], tokenizer: Any, seed: int,
           stop: str, target_length, params: dict[str, Any]) -> tuple[list[dict], DatasetStats]:
    """Shared loop: ``target_length(index, doc, cut) -> (k, extra record fields)``."""
    stats = DatasetStats(method=method, documents=len(documents), params={**params, "seed": seed})
    cuts = draw_cuts(documents, seed)
    records, lengths = [], []
    for index, doc in enumerate(documents):
        stats.truncated_long += doc.truncated
        if doc.id not in cuts:
            stats.skipped_short += 1
            continue
        cut = cuts[doc.id]
        k, extra = target_length(index, doc, cut)
        prefix, target, rest = (_decode(tokenizer, doc.ids[:cut]), _decode(tokenizer, doc.ids[cut:cut + k]),
                                _decode(tokenizer, doc.ids[cut + k:]))
        if prefix + target + rest != _decode(tokenizer, doc.ids):
            stats.dropped_split_character += 1
            continue
        records.append({"doc_id": doc.id, "cut": cut, "prefix": prefix, "target": target, "stop": stop,
                        "prefix_tokens": cut, "target_tokens": k, "doc_tokens": len(doc.ids),
                        "method": method, **extra})
        lengths.append(k)
        stats.empty_targets += k == 0
        stats.whole_rest_targets += cut + k == len(doc.ids)
    stats.examples = len(records)
    stats.target_tokens_mean = float(np.mean(lengths)) if lengths else 0.0
    stats.target_tokens_histogram = _histogram(lengths)
    return records, stats


def build_empower(documents: Sequence[TokenizedDocument], tokenizer: Any, scorer: Scorer, *,
                  eta: float, unit: str = "bits", seed: int = 0,
                  stop: str | None = None) -> tuple[list[dict], DatasetStats]:
    """Algorithm 1 with one forward pass per document (batched by ``scorer``)."""
    eta_nats = eta_to_nats(eta, unit)
    logprobs = scorer.score([doc.ids for doc in documents])

    def target_length(index: int, doc: TokenizedDocument, cut: int):
        k = empower_target_length(logprobs[index], cut, eta_nats)
        nll = float(-logprobs[index][cut:cut + k].sum())
        return k, {"target_nll_nats": round(nll, 6), "eta": eta, "eta_unit": unit}

    return _build("empower", documents, tokenizer, seed, stop or tokenizer.eos_token, target_length,
                  {"eta": eta, "eta_unit": unit, "eta_nats": eta_nats})


def build_sft(documents: Sequence[TokenizedDocument], tokenizer: Any, *, n: int, seed: int = 0,
              stop: str | None = None) -> tuple[list[dict], DatasetStats]:
    """SFT-N: the next ``n`` tokens (fewer where the document ends first)."""
    if n < 1:
        raise ValueError(f"SFT target length n must be >= 1, got {n}")
    return _build(f"sft-{n}", documents, tokenizer, seed, stop or tokenizer.eos_token,
                  lambda _i, doc, cut: (min(n, len(doc.ids) - cut), {}), {"n": n})


def build_sft_rand(documents: Sequence[TokenizedDocument], tokenizer: Any, *, lo: int = 1, hi: int = 30,
                   seed: int = 0, stop: str | None = None) -> tuple[list[dict], DatasetStats]:
    """SFT-RAND: the next k tokens, k uniform in [lo, hi] per document (independent of its cut)."""
    if not 1 <= lo <= hi:
        raise ValueError(f"SFT-RAND needs 1 <= lo <= hi, got lo={lo}, hi={hi}")

    def target_length(_index: int, doc: TokenizedDocument, cut: int):
        k = int(_rng(seed, doc.id, salt=1).integers(lo, hi + 1))
        return min(k, len(doc.ids) - cut), {"drawn_length": k}

    return _build("sft-rand", documents, tokenizer, seed, stop or tokenizer.eos_token, target_length,
                  {"lo": lo, "hi": hi})


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
        raise FileNotFoundError(f"dataset not found: {path}")
    return [record for _, record in jsonl_records(path, required=REQUIRED_FIELDS)]


def read_stats(path: str | Path) -> dict[str, Any]:
    """The ``.stats.json`` written next to a dataset, or {} when there is none."""
    stats_path = Path(str(path) + ".stats.json")
    return json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.is_file() else {}
