"""The local engine's numerics: the instruction sets the package pins before torch loads, what a run records
of them, and episode fingerprints that check one run against another (``codeassist report --compare``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codeassist_env.bench.engine import numerics_warning
from codeassist_env.bench.fingerprints import Fingerprint, compare, read_fingerprints
from codeassist_env.episode import EpisodeRecord, episode_fingerprint, round_hashes
from codeassist_env.numerics import PINNED

FACTS = (
    "import codeassist_env, json, torch\nfrom codeassist_env.numerics import numerics_facts\n"
    "print(json.dumps(numerics_facts()))"
)


def _facts_in_fresh_process(**environment: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in PINNED}
    env.update(environment)
    done = subprocess.run([sys.executable, "-c", FACTS], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.model
def test_importing_the_package_caps_the_math_libraries_at_avx2_on_any_cpu():
    # The mechanism behind same bits on Intel and AMD: on a Xeon with AVX-512, oneMKL dispatched to its AVX-512
    # kernels, whose rows change in the last bits with the number of rows; capped at AVX2 they do not. oneMKL
    # names what it dispatched to, so this holds on any x86 CPU, whatever this one offers.
    facts = _facts_in_fresh_process()
    assert facts["environment"] == PINNED
    assert facts["mkl_instructions"], facts  # oneMKL said what it runs
    assert not any(wide in facts["mkl_instructions"] for wide in ("512", "AMX", "AVX10")), facts
    assert facts["torch_capability"] in ("AVX2", "DEFAULT", "NO AVX"), facts
    assert facts["cpu_model"] and isinstance(facts["torch_threads"], int)


@pytest.mark.model
def test_a_users_own_setting_is_kept_and_recorded():
    facts = _facts_in_fresh_process(MKL_ENABLE_INSTRUCTIONS="SSE4_2")
    assert facts["environment"]["MKL_ENABLE_INSTRUCTIONS"] == "SSE4_2"
    assert facts["environment"]["ATEN_CPU_CAPABILITY"] == "avx2"


def test_resume_warns_when_the_numerics_differ(tmp_path):
    before = {"cpu_model": "AMD EPYC", "mkl_instructions": "Intel(R) Architecture", "torch_threads": 1}
    assert numerics_warning(tmp_path, {"numerics": before}, dict(before)) == []
    assert numerics_warning(tmp_path, {}, before) == []  # a run that recorded nothing: nothing to compare
    now = dict(before, cpu_model="Intel(R) Xeon(R) Platinum", torch_threads=2)
    (warning,) = numerics_warning(tmp_path, {"numerics": before}, now)
    assert "cpu_model: 'AMD EPYC' -> 'Intel(R) Xeon(R) Platinum'" in warning and "torch_threads: 1 -> 2" in warning


def _round(suggestion: str, decision: str, human_text: str = "x") -> dict:
    return {"round": 0, "suggestion": suggestion, "decision": decision, "human_text": human_text}


def test_the_fingerprint_covers_suggestions_decisions_and_the_final_program_only():
    transcript = [_round("a = 1\n", "accept"), _round("b", "reject")]
    base = episode_fingerprint(transcript, "a = 1\n")
    timed = [dict(r, decide_s=9.0, agent_info={"logprobs": [-0.1]}) for r in transcript]
    assert episode_fingerprint(timed, "a = 1\n") == base  # timings and log-probs are not the episode
    assert episode_fingerprint(transcript, "a = 2\n") != base
    assert episode_fingerprint([transcript[0], _round("b", "accept")], "a = 1\n") != base
    assert episode_fingerprint([transcript[0], _round("c", "reject")], "a = 1\n") != base
    assert episode_fingerprint([_round("\ud800", "reject")], "") != base  # any text hashes, lone surrogates too
    assert len(round_hashes(transcript)) == 2


def _print(seed: int, rounds: list[dict], code: str = "x", status: str = "ok") -> Fingerprint:
    fingerprint = episode_fingerprint(rounds, code) if status == "ok" else None
    return Fingerprint(
        "empower", "cc001", seed, status, fingerprint, tuple(round_hashes(rounds)) if fingerprint else ()
    )


def test_compare_names_each_differing_episode_and_the_round_where_it_parts():
    same = [_round("a", "accept"), _round("b", "reject"), _round("c", "accept")]
    parted = [_round("a", "accept"), _round("b", "accept"), _round("c", "accept")]
    here = {p.key: p for p in (_print(0, same), _print(1, same), _print(2, same), _print(3, same))}
    there = {p.key: p for p in (_print(0, same), _print(1, parted), _print(2, same, code="y"), _print(4, same))}
    lines = [d.line() for d in compare(here, there)]
    assert lines == [
        "empower cc001 seed 1: different episode from round 2",
        "empower cc001 seed 2: same rounds, different final program",
        "empower cc001 seed 3: missing there",
        "empower cc001 seed 4: missing here",
    ]
    assert compare(here, dict(here)) == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "codeassist_env.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.mark.bwrap
def test_report_compare_checks_a_rerun_against_a_run_and_its_published_fingerprints(tmp_path):
    for name in ("first", "second"):
        done = _cli(
            "bench",
            "--agents",
            "none",
            "oracle-10",
            "--limit",
            "2",
            "--max-rounds",
            "6",
            "--sandbox",
            "bwrap",
            "--no-progress",
            "--out",
            str(tmp_path / name),
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
    published = tmp_path / "first" / "fingerprints.jsonl"
    assert len(read_fingerprints(published)) == 4
    for other in (tmp_path / "first", published):
        done = _cli("report", str(tmp_path / "second"), "--compare", str(other), cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "4 episodes here, 4 in" in done.stdout and "every episode the same" in done.stdout
    # Change what the programmer decided in one round of one episode: the rerun no longer reproduces it.
    episodes = tmp_path / "second" / "episodes.jsonl"
    lines = [json.loads(line) for line in episodes.read_text().splitlines()]
    target = next(line for line in lines if line["agent"] == "oracle-10" and len(line["transcript"]) >= 3)
    target["transcript"][2]["decision"] = "reject" if target["transcript"][2]["decision"] != "reject" else "accept"
    episodes.write_text("".join(json.dumps(line) + "\n" for line in lines))
    done = _cli("report", str(tmp_path / "second"), "--compare", str(published), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"oracle-10 {target['problem_id']} seed 0: different episode from round 3" in done.stdout
    assert EpisodeRecord.from_json(lines[0]).result is not None and "fingerprint" in lines[0]


def test_a_bad_fingerprints_file_is_one_line_naming_it(tmp_path):
    (tmp_path / "run").mkdir()
    bad = tmp_path / "prints.jsonl"
    bad.write_text('{"agent": "none"}\n')
    done = _cli("report", str(tmp_path / "run"), "--compare", str(bad), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{bad}:1: not a fingerprint line" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_main_jobs_published_fingerprints_cover_its_150_episodes():
    published = read_fingerprints(Path(__file__).resolve().parents[1] / "docs" / "main_job.fingerprints.jsonl")
    assert len(published) == 150 and all(f.status == "ok" and f.fingerprint for f in published.values())
    assert {f.agent for f in published.values()} == {"none", "base-10", "sft-10", "empower", "empower-infer:1"}
