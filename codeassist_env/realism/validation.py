"""What a simulated programmer is worth, in one small file a bench report can quote.

``codeassist realism replay`` writes ``replay.json`` (agreement with real people: kappa, AUC) and
``codeassist realism judge`` writes ``judge.json`` (known answers: cooperativeness) into their output
folder. A bench report whose LLM programmer has such a file in its response cache's folder, or in a folder
named with ``--programmer-validation DIR``, quotes them in its setup section with the date and the model.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

from codeassist_env.errors import InputError
from codeassist_env.files import write_whole

VALIDATION_FILES = {"replay": "replay.json", "judge": "judge.json"}
Estimate = tuple[float, float, float]  # point, 95% low, high
_FIGURES = ("kappa", "balanced_accuracy", "auc", "cooperativeness")


@dataclass(frozen=True)
class ProgrammerValidation:
    kind: str  # a key of VALIDATION_FILES
    human: str  # the programmer's name (llm, llm-MODEL, expert, ...)
    model: str | None  # the served model, for an LLM programmer
    acceptor_mode: str | None
    date: str  # UTC, ISO 8601
    cases: int
    source: str  # the real log, or the known-answer set
    kappa: Estimate | None = None
    balanced_accuracy: Estimate | None = None
    auc: Estimate | None = None
    auc_kind: str | None = None  # logprobs or samples
    cooperativeness: Estimate | None = None

    def write(self, directory: str | os.PathLike) -> Path:
        return write_whole(
            Path(directory) / VALIDATION_FILES[self.kind], json.dumps(asdict(self), indent=2, allow_nan=True) + "\n"
        )

    def figures(self) -> str:
        """``kappa 0.05 [-0.02, 0.11], AUC 0.55 [...] (logprobs)``, of whatever this result measured."""
        named = [
            ("kappa", self.kappa),
            ("balanced accuracy", self.balanced_accuracy),
            ("AUC" + (f" ({self.auc_kind})" if self.auc_kind else ""), self.auc),
            ("cooperativeness", self.cooperativeness),
        ]
        return ", ".join(f"{name} {_cell(value)}" for name, value in named if value is not None)


def _cell(value: Estimate) -> str:
    point, low, high = value
    if math.isnan(point):
        return "n/a"
    return f"{point:.2f} [{low:.2f}, {high:.2f}]"


def _estimate(figure: Any) -> Estimate | None:
    """A figure as (point, low, high): stored so (replay.json), or as {"value", "interval"} (judge.json)."""
    if figure is None:
        return None
    # Not checked: ProgrammerValidation.write stores (point, low, high) and the judge (low, high) intervals;
    # a figure of another length is kept as it is (``_cell`` fails on it).
    if isinstance(figure, dict):
        return cast(Estimate, (float(figure["value"]), *(float(v) for v in figure["interval"])))
    return cast(Estimate, tuple(float(v) for v in figure))


def _from_judge(data: dict, path: Path) -> ProgrammerValidation:
    """``codeassist realism judge``'s judge.json, whose command line names the model and acceptor mode."""
    words = shlex.split(data.get("command", ""))

    def option(name: str) -> str | None:
        return words[words.index(name) + 1] if name in words[:-1] else None

    human = data["human"]
    model = data.get("model") or option("--model") or (human[4:] if human.startswith("llm-") else None)
    if model is None and human == "llm":
        model = "smollm2"  # the judge's documented default
    date = data.get("date") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(path.stat().st_mtime))
    return ProgrammerValidation(
        "judge",
        human,
        model,
        data.get("acceptor_mode") or option("--acceptor-mode"),
        date,
        int(data["answered"]),
        str(data.get("cases_file", "known answers")),
        kappa=_estimate(data.get("kappa")),
        balanced_accuracy=_estimate(data.get("balanced_accuracy")),
        cooperativeness=_estimate(data.get("cooperativeness")),
    )


def find_validations(directory: str | os.PathLike, model: str | None = None) -> list[ProgrammerValidation]:
    """The replay and judge results in ``directory`` (for ``model``, when given). A file that is not such a
    result is bad input: ``InputError`` naming it."""
    found = []
    for kind, name in VALIDATION_FILES.items():
        path = Path(directory) / name
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if kind == "judge" and "kind" not in data:
                validation = _from_judge(data, path)
            else:
                fields: dict[str, Any] = {k: _estimate(v) if k in _FIGURES else v for k, v in data.items()}
                validation = ProgrammerValidation(**fields)
        except (json.JSONDecodeError, TypeError, KeyError, ValueError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: not a programmer validation result ({type(error).__name__}: {error})") from None
        if validation.kind != kind:
            raise InputError(f"{path}: kind {validation.kind!r}, expected {kind!r}")
        if model is None or validation.model == model:
            found.append(validation)
    return found


def setup_lines(validations: list[ProgrammerValidation]) -> list[str]:
    """The report's lines quoting each result (none: nothing)."""
    lines = []
    for v in validations:
        what = "replayed real decisions" if v.kind == "replay" else "known-answer set"
        who = (
            f"{v.human}"
            + (f", model {v.model}" if v.model else "")
            + (f", {v.acceptor_mode}" if v.acceptor_mode else "")
        )
        lines.append(
            f"- Programmer validated ({what}, {v.cases} cases of {v.source}, {v.date[:10]}; {who}): "
            f"{v.figures()}; 95% intervals."
        )
    return lines


def for_run(run: dict, named: str | os.PathLike | None = None) -> list[str]:
    """A bench report's lines on its programmer's validation: the results in ``named`` (bad input when
    there are none), else those for the run's model in its response cache's folder, else none."""
    settings = (run.get("human") or {}).get("settings") or {}
    model = settings.get("model") or run.get("config", {}).get("human_model")
    if named is not None:
        found = find_validations(named)
        if not found:
            raise InputError(
                f"programmer_validation {named}: no {' or '.join(VALIDATION_FILES.values())} there "
                "(write one with codeassist realism replay or judge)"
            )
        return [
            line + ("" if v.model == model else f" Note: this run's programmer model is {model}.")
            for v, line in zip(found, setup_lines(found))
        ]
    if not model or not settings.get("cache_path"):
        return []
    mode = settings.get("acceptor_mode")
    found = [v for v in find_validations(Path(settings["cache_path"]).parent, model) if v.acceptor_mode in (None, mode)]
    return setup_lines(found)
