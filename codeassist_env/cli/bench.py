"""``codeassist bench`` (run agents against a simulated human on a problem set) and ``codeassist report``
(tables and plots from one or more run directories).

    codeassist bench                                   # the main job, offline (its measured time: README)
    codeassist bench --agents none oracle-10 --problems humaneval --concurrency 4 --out runs/oracle
    codeassist bench --agents base-10 empower --human llm --human-base-url http://127.0.0.1:8000/v1 \\
        --concurrency 16 --cache record --shard 1/4 --out runs/shard1
    codeassist bench --agents base-10 empower --human llm --human-base-url http://gpu1:8000/v1 http://gpu2:8000/v1 \\
        --agent-base-url http://gpu3:8001/v1 --executor ray --ray-address auto --concurrency 64   # docs/scale.md
    codeassist report runs/shard1 runs/shard2 runs/shard3 runs/shard4 --paper --out runs/merged
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codeassist_env.protocol import HUMAN_TOKENS, MAX_ROUNDS

BASELINE_HELP = "the agent every other agent is compared with, pair by pair, in the report (default: none, when it ran)"
REAL_HELP = (
    "real decision logs to compare with in the report's realism section: the Copilot study's "
    "copilot_events.jsonl[.gz] or RealHumanEval's autocomplete_data.csv[.gz] (default: the Copilot "
    "study's, shipped with the package; docs/protocol.md §7.5)"
)
VALIDATION_HELP = (
    "a folder holding `codeassist realism replay` / `judge` results (replay.json, judge.json) for the "
    "run's programmer, quoted in the report's setup (default: those for its model in its response "
    "cache's folder)"
)
EXIT_OK, EXIT_EPISODE_ERRORS, EXIT_ENDPOINT_DOWN = 0, 1, 3  # 2, bad input: cli.errors
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def run_bench(args: argparse.Namespace) -> int:
    from codeassist_env.bench.job import JobRequest, default_out, main_job_agents, run_job
    from codeassist_env.bench.outcome import EndpointUnreachable, RunAborted, RunInterrupted
    from codeassist_env.bench.report import markdown_table
    from codeassist_env.bench.runner import BenchConfig, RunOptions
    from codeassist_env.cli.backend_options import backend_options
    from codeassist_env.problems import default_set, default_split
    from codeassist_env.server_pool import join_urls

    def log(line: str) -> None:
        print(f"codeassist bench: {line}", file=sys.stderr)

    problems = args.problems or default_set()
    config = BenchConfig(
        agents=tuple(args.agents) if args.agents else main_job_agents(log),
        problems=str(problems),
        split=default_split(problems) if args.split == "auto" else args.split,
        limit=args.limit,
        seeds=args.seeds,
        human=args.human,
        human_model=args.human_model,
        max_rounds=args.max_rounds,
        human_tokens=args.human_tokens,
        tokenizer=args.tokenizer,
        sandbox=args.sandbox,
    )
    options = RunOptions(
        out=args.out or default_out(),
        concurrency=args.concurrency,
        shard=args.shard,
        resume=args.resume,
        human_base_url=join_urls(args.human_base_url or ()),
        cache_mode=args.cache,
        cache_path=args.cache_path,
        progress=not args.no_progress,
        max_connection_failures=args.max_connection_failures,
        executor=args.executor,
        ray_address=args.ray_address,
        torch_threads=args.threads,
        agent_timeout=args.agent_timeout,
    )
    request = JobRequest(
        config,
        options,
        engine=args.engine,
        backend=backend_options(args),
        report=not args.no_report,
        paper=args.paper,
        baseline=args.baseline,
        real=tuple(args.real) if args.real else None,
        programmer_validation=args.programmer_validation,
    )
    try:
        done = run_job(request, log=log)
    except EndpointUnreachable as error:
        again = " ".join(sys.argv[1:]) + ("" if args.resume else " --resume")
        print(
            f"{args.prog}: stopped: the simulated human's endpoint is down ({error}); what finished is kept. "
            f"Restart the server, then run: codeassist {again}",
            file=sys.stderr,
        )
        return EXIT_ENDPOINT_DOWN
    except RunInterrupted as interrupted:
        how = "--resume" if args.out else f"--out {interrupted.out} --resume"
        print(f"{args.prog}: {interrupted}; the same command with {how} continues", file=sys.stderr)
        return EXIT_INTERRUPTED
    except RunAborted as error:
        print(f"{args.prog}: {error}; what finished is kept, continue with --resume", file=sys.stderr)
        return EXIT_EPISODE_ERRORS
    if done.report is not None:
        result = done.report
        print("\n".join(markdown_table(result["rows"]) + result["warnings"] + ["", *result["realism"]]))
        tables = [result["markdown"], result["csv"], result["per_problem_csv"], result.get("realism_csv")]
        print(
            "\nreport: "
            + ", ".join(str(p) for p in tables if p)
            + "; plots: "
            + ", ".join(str(p) for p in result["plots"])
        )
    return EXIT_EPISODE_ERRORS if done.summary.errored else EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    from codeassist_env.bench.report import write_report

    if args.compare is not None:
        return run_compare(args)

    result = write_report(
        args.dirs,
        out=args.out,
        with_paper=args.paper,
        baseline=args.baseline,
        real=args.real,
        programmer_validation=args.programmer_validation,
    )
    print(result["text"])
    tables = [
        result["markdown"],
        result["csv"],
        result["per_problem_csv"],
        result.get("paired_csv"),
        result.get("realism_csv"),
    ]
    print("\nwrote " + ", ".join(str(p) for p in tables + result["plots"] if p))
    return EXIT_OK


def run_compare(args: argparse.Namespace) -> int:
    """``codeassist report DIR... --compare OTHER``: the episodes that differ, each with the round where they
    part; exit 0 when none does, 1 otherwise."""
    from codeassist_env.bench.fingerprints import Fingerprint, compare, read_fingerprints
    from codeassist_env.bench.report import merge_runs

    def fingerprints(directories: list[Path]) -> dict:
        return {f.key: f for f in map(Fingerprint.of, merge_runs(directories).records)}

    other = args.compare
    there = fingerprints([other]) if other.is_dir() else read_fingerprints(other)
    here = fingerprints(args.dirs)
    differences = compare(here, there)
    print(
        f"{len(here)} episodes here, {len(there)} in {other}: "
        + ("every episode the same" if not differences else f"{len(differences)} differ")
    )
    for difference in differences:
        print(f"  {difference.line()}")
    return EXIT_EPISODE_ERRORS if differences else EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    from codeassist_env.agents import AGENTS
    from codeassist_env.cli.backend_options import add_backend_arguments
    from codeassist_env.bench import main_job
    from codeassist_env.bench.runner import EXECUTORS, BenchConfig, RunOptions
    from codeassist_env.cli.errors import at_least, directory, positive_float, registered, shard
    from codeassist_env.humans import BENCH_HUMAN, HUMANS
    from codeassist_env.humans.cache import CACHE_MODES
    from codeassist_env.sandbox import AUTO, BENCH_BACKEND, SANDBOX_BACKENDS

    bench = subparsers.add_parser(
        "bench",
        help="run agents against a simulated human on a problem set (resumable, concurrent)",
        description="Run every (agent, problem, seed) episode into DIR/episodes.jsonl and write the report. "
        "Without --agents: the main job (offline; agents "
        + ", ".join(main_job.AGENTS)
        + " on the bundled set's test split, the expert programmer, "
        f"{MAX_ROUNDS} rounds of K_H = {HUMAN_TOKENS}, all test problems; on local transformers, "
        "or on vLLM with --engine vllm). "
        "Exit status: 0 ok, 1 some episodes errored (rerun with --resume), 2 bad input, 3 the "
        "simulated human's endpoint is down (restart it, rerun with --resume), 130 interrupted "
        "(Ctrl-C; what finished is kept, rerun with --resume).",
    )
    bench.add_argument(
        "--agents",
        nargs="+",
        metavar="AGENT",
        type=registered(AGENTS),
        help="agent names, e.g. none oracle-10 base base-10 sft-10 empower empower-infer:0.32 ("
        + AGENTS.help_text()
        + ")",
    )
    bench.add_argument(
        "--human",
        default=BenchConfig.human,
        type=registered(HUMANS),
        help="simulated human: a registered name, with its argument after '-' "
        f"({', '.join(HUMANS.names())}; e.g. expert, expert-0.2, reference-whitespace, llm; "
        f"default: {BENCH_HUMAN})",
    )
    bench.add_argument(
        "--human-base-url",
        nargs="+",
        metavar="URL",
        help="llm human: OpenAI-compatible endpoint(s) (default: $CODEASSIST_HUMAN_BASE_URL, "
        "$OPENAI_BASE_URL or http://127.0.0.1:8000/v1); several serving the same model share the "
        "requests: round-robin, a server that stops answering leaves the rotation and is tried "
        "again 10 s later (docs/scale.md)",
    )
    bench.add_argument("--human-model", help="llm human: served model name (default: smollm2)")
    bench.add_argument(
        "--max-connection-failures",
        type=at_least(1),
        default=RunOptions.max_connection_failures,
        metavar="N",
        help="llm human: stop the run after N rounds in a row could not connect to the endpoint "
        f"(each after the client's retries; default {RunOptions.max_connection_failures})",
    )
    bench.add_argument(
        "--agent-timeout",
        type=positive_float,
        default=RunOptions.agent_timeout,
        metavar="SECONDS",
        help="seconds each call of an assistant may take; one that takes longer, raises or returns an "
        "invalid action fails its episode, which is scored 0 (docs/protocol.md §2.6; default "
        f"{RunOptions.agent_timeout:g})",
    )
    bench.add_argument(
        "--cache",
        choices=CACHE_MODES,
        default=RunOptions.cache_mode,
        help=f"llm human response cache (default: {RunOptions.cache_mode})",
    )
    bench.add_argument("--cache-path", help="cache file (default: DIR/human-cache.sqlite)")
    bench.add_argument("--problems", metavar="SRC", help="set name or path (default: the bundled set)")
    bench.add_argument("--split", default="auto", help="split to run (default: test if the set has one)")
    bench.add_argument("--limit", type=at_least(1), help="only the first N problems (default: all)")
    bench.add_argument(
        "--seeds", type=at_least(1), default=BenchConfig.seeds, help="episodes per (agent, problem): seeds 0..S-1"
    )
    bench.add_argument(
        "--max-rounds",
        type=at_least(1),
        default=BenchConfig.max_rounds,
        help=f"rounds per episode (default: {BenchConfig.max_rounds})",
    )
    bench.add_argument(
        "--human-tokens",
        type=at_least(0),
        default=BenchConfig.human_tokens,
        help=f"K_H, tokens the human writes per round (default: {HUMAN_TOKENS})",
    )
    bench.add_argument("--tokenizer", help="token counting: default the offline code tokenizer; or a HF name")
    bench.add_argument(
        "--sandbox",
        type=registered(SANDBOX_BACKENDS, extra=(AUTO,)),
        default=BenchConfig.sandbox,
        help=f"sandbox backend: {AUTO}, {SANDBOX_BACKENDS.help_text()} (default: {BENCH_BACKEND})",
    )
    bench.add_argument(
        "--concurrency",
        type=at_least(1),
        default=RunOptions.concurrency,
        help=f"episodes at once (default: {RunOptions.concurrency}; the engine batches them, served or local)",
    )
    bench.add_argument(
        "--engine",
        choices=main_job.ENGINES,
        default="auto",
        help="what computes the LM agents: vllm (a vLLM server this run starts, with every shipped "
        "adapter; the main job then covers every test problem; docs/vllm.md), transformers "
        "(local), or auto (default): transformers, which was as fast per problem on 2 CPU cores",
    )
    bench.add_argument(
        "--executor",
        choices=EXECUTORS,
        default=RunOptions.executor,
        help="what runs the episodes: threads of this process (default), or Ray workers that keep "
        "their environment and models warm, on this machine or a cluster (pip install -e '.[ray]'; "
        "docs/scale.md); this process alone writes the results either way",
    )
    bench.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        help="--executor ray: the cluster to join (e.g. auto, or HOST:6379 of 'ray start --head'); "
        "default: $RAY_ADDRESS, else a cluster started here with 'ray start', else a Ray instance "
        "of this machine alone",
    )
    bench.add_argument(
        "--threads",
        type=at_least(0),
        default=RunOptions.torch_threads,
        help=f"torch CPU threads of local LM agents (default {RunOptions.torch_threads}: episodes, sandboxes "
        "and other programs share the cores, and an oversubscribed CPU generates several times slower; "
        "0 = torch's choice)",
    )
    bench.add_argument("--out", type=directory, help="results directory (default: runs/bench-<UTC time>)")
    bench.add_argument("--resume", action="store_true", help="continue DIR: run only missing or errored episodes")
    bench.add_argument(
        "--shard", type=shard, default=RunOptions.shard, help="run only slice i of n of the sorted episodes, e.g. 2/4"
    )
    bench.add_argument("--paper", action="store_true", help="put the paper's numbers beside ours in the report")
    bench.add_argument("--baseline", metavar="AGENT", help=BASELINE_HELP)
    bench.add_argument("--real", nargs="+", type=Path, metavar="PATH", help=REAL_HELP)
    bench.add_argument("--programmer-validation", type=Path, metavar="DIR", help=VALIDATION_HELP)
    bench.add_argument("--no-report", action="store_true", help="do not write the report at the end")
    bench.add_argument(
        "--no-progress", action="store_true", help="no progress bar, ours or a library's (model loading)"
    )
    add_backend_arguments(bench)
    bench.set_defaults(func=run_bench)

    report = subparsers.add_parser(
        "report",
        help="tables (markdown, CSV) and plots from benchmark run directories",
        description="Merge run directories (shards of one run; episodes deduplicated by (agent, problem, seed); "
        "runs with another config are refused) and write report.md, report.csv, realism.csv and PNG "
        "plots.",
    )
    report.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="run directories made by codeassist bench")
    report.add_argument("--out", type=directory, help="where to write the report (default: the first DIR)")
    report.add_argument("--paper", action="store_true", help="add the paper's numbers, labelled as the paper's")
    report.add_argument("--baseline", metavar="AGENT", help=BASELINE_HELP)
    report.add_argument("--real", nargs="+", type=Path, metavar="PATH", help=REAL_HELP)
    report.add_argument("--programmer-validation", type=Path, metavar="DIR", help=VALIDATION_HELP)
    report.add_argument(
        "--compare",
        type=Path,
        metavar="OTHER",
        help="instead of a report: compare the episodes with another run directory or a "
        "fingerprints.jsonl (e.g. docs/main_job.fingerprints.jsonl) and list those that "
        "differ, with the round where they part; exit 1 when any does",
    )
    report.set_defaults(func=run_report)
