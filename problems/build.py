"""Build the bundled ``codeassist-core`` problem set from its sources, deterministically.

    python problems/build.py            # rebuild the package's codeassist-core.jsonl from generators/
    python problems/build.py cc007      # rebuild only these problems' lines, keep the others as they are
    python problems/build.py --check    # exit 1 if the committed file differs from a fresh full build

Each problem is a directory ``problems/generators/<id>/`` holding ``problem.json``, ``statement.md``,
``solution.py`` (the reference), ``gen.py`` (``EXAMPLES`` and ``generate(rng)``) and ``wrong_*.py``
(known-wrong solutions). Expected outputs come from running the reference (trusted code, see
``reference_runner.py``); the statement gets an ``## Examples`` section built from the same runs, so
examples and statement cannot disagree. See problems/README.md for the layout and how to add a problem.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.util
import json
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_runner import run_program  # noqa: E402

from codeassist_env.problem import Problem, TestCase  # noqa: E402
from codeassist_env.problems.schema import problem_line  # noqa: E402

SET_NAME = "codeassist-core"
PROBLEMS_DIR = Path(__file__).resolve().parent
GENERATORS_DIR = PROBLEMS_DIR / "generators"
# The package's bundled set (found through importlib.resources once installed), in this checkout.
OUTPUT_PATH = PROBLEMS_DIR.parent / "codeassist_env" / "data" / "problems" / f"{SET_NAME}.jsonl"
ID_PATTERN = re.compile(r"cc\d{3}")
DIFFICULTIES = ("easy", "medium", "hard")
SPLITS = ("train", "test")
META_KEYS = ("title", "difficulty", "tags", "test_kind", "entry_point", "starter_code", "split",
             "time_limit_s", "memory_limit_mb")
MIN_HIDDEN_TESTS = 20
BUILD_TIME_LIMIT_S = 20.0  # a reference that needs this long on one test is a bug, not a slow machine


class ProblemSourceError(ValueError):
    """A problem's source files are missing or malformed; the message names the file and field."""


@dataclass
class ProblemSource:
    id: str
    directory: Path
    meta: dict
    statement: str
    solution: str
    examples: list[str]
    hidden_inputs: list[str]
    wrong_solutions: dict[str, str]  # file name -> code


def seed_for(problem_id: str) -> int:
    return int(hashlib.sha256(problem_id.encode()).hexdigest()[:16], 16)


def problem_ids(generators_dir: Path = GENERATORS_DIR) -> list[str]:
    return sorted(p.name for p in generators_dir.iterdir() if p.is_dir() and ID_PATTERN.fullmatch(p.name))


def _read(path: Path) -> str:
    if not path.is_file():
        raise ProblemSourceError(f"{path}: missing")
    return path.read_text(encoding="utf-8")


def _check_meta(path: Path, meta: dict) -> None:
    def bad(key: str, why: str) -> ProblemSourceError:
        return ProblemSourceError(f"{path}: field {key!r} = {meta.get(key)!r}: {why}")

    unknown = sorted(set(meta) - set(META_KEYS))
    if unknown:
        raise ProblemSourceError(f"{path}: unknown fields {unknown}; allowed: {list(META_KEYS)}")
    for key in META_KEYS:
        if key not in meta and key != "time_limit_s":
            raise ProblemSourceError(f"{path}: field {key!r} is missing")
    if not isinstance(meta["title"], str) or not meta["title"].strip():
        raise bad("title", "must be a non-empty string")
    if meta["difficulty"] not in DIFFICULTIES:
        raise bad("difficulty", f"must be one of {DIFFICULTIES}")
    if not isinstance(meta["tags"], list) or not meta["tags"] or not all(isinstance(t, str) for t in meta["tags"]):
        raise bad("tags", "must be a non-empty list of strings")
    if meta["test_kind"] not in ("stdin", "functional"):
        raise bad("test_kind", "must be 'stdin' or 'functional'")
    if (meta["test_kind"] == "functional") != isinstance(meta["entry_point"], str):
        raise bad("entry_point", "must be a method name for functional problems and null for stdin ones")
    if meta["split"] not in SPLITS:
        raise bad("split", f"must be one of {SPLITS}")
    if "time_limit_s" in meta and not (isinstance(meta["time_limit_s"], (int, float)) and meta["time_limit_s"] > 0):
        raise bad("time_limit_s", "must be a positive number (written by calibrate.py)")
    if not isinstance(meta["memory_limit_mb"], int) or meta["memory_limit_mb"] <= 0:
        raise bad("memory_limit_mb", "must be a positive integer")


def _load_generator(problem_id: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"codeassist_core_gen_{problem_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_source(directory: Path) -> ProblemSource:
    """Read and check one problem directory; hidden inputs are generated with the id's seed."""
    problem_id = directory.name
    meta_path = directory / "problem.json"
    try:
        meta = json.loads(_read(meta_path))
    except json.JSONDecodeError as e:
        raise ProblemSourceError(f"{meta_path}: not valid JSON: {e}") from None
    _check_meta(meta_path, meta)
    solution = _read(directory / "solution.py")
    if not solution.startswith(meta["starter_code"]):
        raise ProblemSourceError(f"{directory / 'solution.py'}: must start with problem.json's starter_code "
                                 f"{meta['starter_code']!r}")
    gen_path = directory / "gen.py"
    _read(gen_path)
    module = _load_generator(problem_id, gen_path)
    examples = getattr(module, "EXAMPLES", None)
    if not isinstance(examples, list) or not 1 <= len(examples) <= 3 or not all(isinstance(x, str) for x in examples):
        raise ProblemSourceError(f"{gen_path}: EXAMPLES must be a list of 1 to 3 input strings")
    hidden = module.generate(random.Random(seed_for(problem_id)))
    if not isinstance(hidden, list) or not all(isinstance(x, str) and x.strip() for x in hidden):
        raise ProblemSourceError(f"{gen_path}: generate(rng) must return a list of non-empty input strings")
    if len(hidden) < MIN_HIDDEN_TESTS:
        raise ProblemSourceError(f"{gen_path}: generate(rng) returned {len(hidden)} tests, "
                                 f"at least {MIN_HIDDEN_TESTS} are needed")
    wrong = {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("wrong_*.py"))}
    if not wrong:
        raise ProblemSourceError(f"{directory}: needs at least one known-wrong solution wrong_<what>.py")
    statement = _read(directory / "statement.md")
    for section in ("## Input", "## Output", "## Constraints"):
        if section not in statement:
            raise ProblemSourceError(f"{directory / 'statement.md'}: missing a {section!r} section")
    if "## Examples" in statement:
        raise ProblemSourceError(f"{directory / 'statement.md'}: has its own '## Examples'; the build adds it")
    return ProblemSource(problem_id, directory, meta, statement, solution, examples, hidden, wrong)


def run_reference(source: ProblemSource, inputs: list[str], time_limit_s: float = BUILD_TIME_LIMIT_S):
    """The reference's runs on ``inputs``; any failure is an error naming the problem and the test."""
    runs = run_program(source.solution, source.meta["test_kind"], source.meta["entry_point"], inputs, time_limit_s)
    for i, run in enumerate(runs):
        if run.status != "ok":
            raise ProblemSourceError(f"{source.directory / 'solution.py'}: reference {run.status} on input #{i} "
                                     f"({inputs[i][:80]!r}...): {run.stderr}")
    return runs


def _parameter_names(starter_code: str) -> list[str]:
    """The entry point's parameter names, read from the (unfinished) starter code."""
    tree = ast.parse(starter_code + "pass\n")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            return [a.arg for a in node.args.args if a.arg != "self"]
    raise ProblemSourceError(f"starter code defines no method: {starter_code!r}")


def render_examples(source: ProblemSource, cases: list[TestCase]) -> str:
    parts = ["## Examples"]
    functional = source.meta["test_kind"] == "functional"
    names = _parameter_names(source.meta["starter_code"]) if functional else []
    for i, case in enumerate(cases, 1):
        if functional:
            args = [line for line in case.input.splitlines() if line.strip()]
            call = ", ".join(f"{name} = {arg}" for name, arg in zip(names, args))
            parts.append(f"### Example {i}\n\nInput: `{call}`\n\nOutput: `{case.output}`")
        else:
            parts.append(f"### Example {i}\n\nInput:\n```\n{case.input.rstrip()}\n```\n\n"
                         f"Output:\n```\n{case.output.rstrip()}\n```")
    return "\n\n".join(parts) + "\n"


def build_problem(source: ProblemSource) -> Problem:
    if "time_limit_s" not in source.meta:
        raise ProblemSourceError(f"{source.directory / 'problem.json'}: no 'time_limit_s' yet; "
                                 f"run python problems/calibrate.py {source.id}")
    runs = run_reference(source, source.examples + source.hidden_inputs)
    cases = [TestCase(text, run.output) for text, run in zip(source.examples + source.hidden_inputs, runs)]
    public, hidden = cases[:len(source.examples)], cases[len(source.examples):]
    meta = source.meta
    return Problem(
        id=source.id,
        statement=source.statement.rstrip() + "\n\n" + render_examples(source, public),
        test_kind=meta["test_kind"],
        hidden_tests=hidden,
        public_tests=public,
        starter_code=meta["starter_code"],
        reference_solution=source.solution,
        entry_point=meta["entry_point"],
        time_limit_s=float(meta["time_limit_s"]),
        memory_limit_mb=meta["memory_limit_mb"],
        source=SET_NAME,
        metadata={"title": meta["title"], "difficulty": meta["difficulty"], "tags": meta["tags"],
                  "split": meta["split"]},
    )


def build_lines(ids: list[str], generators_dir: Path = GENERATORS_DIR) -> dict[str, str]:
    lines = {}
    for problem_id in ids:
        problem = build_problem(load_source(generators_dir / problem_id))
        lines[problem_id] = problem_line(problem)
        print(f"{problem_id}: {len(problem.hidden_tests)} hidden + {len(problem.public_tests)} public tests, "
              f"{len(lines[problem_id]) / 1024:.0f} KB", file=sys.stderr)
    return lines


def _existing_lines(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return {json.loads(line)["id"]: line + "\n" for line in path.read_text(encoding="utf-8").splitlines() if line}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="rebuild only these problems (default: all)")
    parser.add_argument("--check", action="store_true", help="compare a fresh full build with the committed file")
    args = parser.parse_args(argv)
    all_ids = problem_ids()
    unknown = sorted(set(args.ids) - set(all_ids))
    if unknown:
        parser.error(f"no such problem directories under {GENERATORS_DIR}: {unknown}")
    try:
        if args.check:
            fresh = "".join(build_lines(all_ids).values())
            committed = OUTPUT_PATH.read_text(encoding="utf-8") if OUTPUT_PATH.exists() else ""
            if fresh != committed:
                old = _existing_lines(OUTPUT_PATH)
                new = {json.loads(line)["id"]: line for line in fresh.splitlines(keepends=True)}
                differ = sorted(i for i in set(old) | set(new) if old.get(i) != new.get(i))
                print(f"{OUTPUT_PATH} differs from a fresh build for: {differ}", file=sys.stderr)
                return 1
            print(f"{OUTPUT_PATH}: up to date ({len(all_ids)} problems)", file=sys.stderr)
            return 0
        lines = {i: line for i, line in _existing_lines(OUTPUT_PATH).items() if i in all_ids}
        lines.update(build_lines(args.ids or all_ids))
    except ProblemSourceError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    OUTPUT_PATH.write_text("".join(lines[i] for i in sorted(lines)), encoding="utf-8")
    print(f"wrote {OUTPUT_PATH} ({len(lines)} problems)", file=sys.stderr)
    return 0


def ensure_fixed_hash_seed() -> None:
    """Re-exec the running script with PYTHONHASHSEED=0: generated tests must not depend on the
    per-process string hash seed (set iteration order)."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], dict(os.environ, PYTHONHASHSEED="0"))


if __name__ == "__main__":
    ensure_fixed_hash_seed()
    sys.exit(main())
