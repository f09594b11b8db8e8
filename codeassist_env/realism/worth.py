"""Is a correct suggestion worth taking? A logistic model of what a suggestion saves, fitted by maximum
likelihood on real programmers' decisions (docs/realism.md has the fit, its assumption and its
cross-validation).

    P(worth taking | s) = sigmoid(w0 + w1 * log(1 + non-space characters of s) + w2 * [s spans 2+ lines])

A suggestion of only whitespace saves nothing a person types on purpose (an editor indents after Enter),
and no real log has one to fit on: it is never worth taking.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from codeassist_env.package_data import data_path
from codeassist_env.realism.curve import only_whitespace
from codeassist_env.realism.logs import RealDecision

SHIPPED = data_path("realism", "worth-copilot.json")


def non_space_chars(suggestion: str) -> int:
    return sum(not c.isspace() for c in suggestion)


def spans_lines(suggestion: str) -> bool:
    return sum(1 for line in suggestion.split("\n") if line.strip()) > 1


# Feature sets compared in cross-validation; "saved" is the shipped model's.
FEATURES: dict[str, tuple[tuple[str, Callable[[str], float]], ...]] = {
    "constant": (),
    "length": (("log1p_chars", lambda s: math.log1p(len(s))),),
    "saved": (
        ("log1p_non_space_chars", lambda s: math.log1p(non_space_chars(s))),
        ("spans_lines", lambda s: float(spans_lines(s))),
    ),
}


def design(suggestions: Sequence[str], features: str) -> np.ndarray:
    columns = FEATURES[features]
    return np.array([[1.0, *(f(s) for _, f in columns)] for s in suggestions])


def fit_logistic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Maximum-likelihood logistic regression by Newton's method (converges to machine precision, so a
    refit reproduces the shipped weights exactly)."""
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        step = np.linalg.solve(x.T @ (x * (p * (1 - p))[:, None]), x.T @ (y - p))
        w += step
        if np.max(np.abs(step)) < 1e-12:
            return w
    raise ArithmeticError("logistic fit did not converge (are the decisions separable by these features?)")


@dataclass(frozen=True)
class WorthModel:
    features: str  # a key of FEATURES
    weights: tuple[float, ...]  # intercept first
    decisions: int
    accepted: int
    source: str  # the log's file name
    source_sha256: str

    def probability(self, suggestion: str) -> float:
        if only_whitespace(suggestion):
            return 0.0
        return float(1.0 / (1.0 + np.exp(-design([suggestion], self.features)[0] @ np.array(self.weights))))

    def to_json(self) -> str:
        return (
            json.dumps(
                {**asdict(self), "feature_names": ["intercept", *(n for n, _ in FEATURES[self.features])]}, indent=2
            )
            + "\n"
        )

    @classmethod
    def load(cls, path: str | Path = SHIPPED) -> "WorthModel":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data.pop("feature_names", None)
        return cls(**{**data, "weights": tuple(data["weights"])})


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fit(decisions: list[RealDecision], path: str | Path, features: str = "saved") -> WorthModel:
    """The model fitted on every decision of the log at ``path``."""
    y = np.array([d.accepted for d in decisions], dtype=float)
    weights = fit_logistic(design([d.suggestion for d in decisions], features), y)
    return WorthModel(
        features,
        tuple(round(float(w), 10) for w in weights),
        len(decisions),
        int(y.sum()),
        Path(path).name,
        sha256_of(path),
    )


def auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Area under the ROC curve (the Mann-Whitney statistic, ties counted half); None without both classes."""
    positives, negatives = scores[labels == 1], scores[labels == 0]
    if not len(positives) or not len(negatives):
        return None
    greater = (positives[:, None] > negatives[None, :]).sum() + 0.5 * (positives[:, None] == negatives[None, :]).sum()
    return float(greater / (len(positives) * len(negatives)))


@dataclass(frozen=True)
class CrossValidation:
    features: str
    log_loss: float  # mean over every held-out decision, nats
    auc: float  # within each held-out participant, weighted by their decisions
    participants: int


def leave_participants_out(decisions: list[RealDecision], features: str) -> CrossValidation:
    """Fit on every participant but one, predict that one's decisions; over all participants. The AUC is
    taken within each held-out participant (how well the model orders one person's decisions), since
    pooled across folds a constant model's per-fold rates would rank people, not suggestions."""
    x = design([d.suggestion for d in decisions], features)
    y = np.array([d.accepted for d in decisions], dtype=float)
    people = np.array([d.participant for d in decisions])
    losses, aucs = np.zeros(len(y)), []
    for person in sorted(set(people)):
        held = people == person
        p = np.clip(1.0 / (1.0 + np.exp(-x[held] @ fit_logistic(x[~held], y[~held]))), 1e-12, 1 - 1e-12)
        losses[held] = -(y[held] * np.log(p) + (1 - y[held]) * np.log(1 - p))
        if (score := auc(p, y[held])) is not None:
            aucs.append((score, held.sum()))
    weight = sum(n for _, n in aucs)
    return CrossValidation(
        features, float(losses.mean()), float(sum(a * n for a, n in aucs) / weight), len(set(people))
    )
