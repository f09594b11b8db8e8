"""One benchmark run from a plain request: what ``codeassist bench`` asks for, in the library's terms.

The request names agents, problems, programmer and engine; ``run_job`` fills in the main job's presets,
checks every input that can be checked before the first episode, starts the agents' engine when the run
owns one, builds the runner and writes the report. The CLI parses its arguments into a ``JobRequest``, calls
``run_job`` and prints what comes back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.agents.deadline import DEFAULT_AGENT_TIMEOUT_S
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.bench import main_job
from codeassist_env.bench.outcome import RunInterrupted, RunSummary
from codeassist_env.bench.runner import DEFAULT_MAX_CONNECTION_FAILURES
from codeassist_env.bench.store import run_lock
from codeassist_env.engines import Engine
from codeassist_env.errors import InputError
from codeassist_env.humans import BENCH_HUMAN
from codeassist_env.protocol import HUMAN_TOKENS, MAX_ROUNDS
from codeassist_env.sandbox import BENCH_BACKEND


@dataclass(frozen=True)
class JobRequest:
    agents: tuple[str, ...] | None = None  # None: the main job (its agents on the default problems)
    out: Path | None = None  # None: runs/bench-<UTC time>
    problems: str | None = None  # None: the bundled set
    split: str = "auto"  # auto: test if the set has one
    limit: int | None = None  # only the first N problems; None: every problem
    seeds: int = 1
    human: str = BENCH_HUMAN
    human_base_url: tuple[str, ...] = ()
    human_model: str | None = None
    cache: str = "off"  # the llm human's response cache: off, record or replay
    cache_path: str | None = None  # None: OUT/human-cache.sqlite
    max_rounds: int = MAX_ROUNDS
    human_tokens: int = HUMAN_TOKENS
    tokenizer: str | None = None
    sandbox: str = BENCH_BACKEND
    engine: str = "auto"  # what computes the LM agents: main_job.ENGINES
    backend: BackendOptions = dataclasses.field(default_factory=BackendOptions)
    concurrency: int | None = None  # None: main_job.default_concurrency
    threads: int = 1  # torch threads of local LM agents; 0 = torch's choice
    executor: str = "threads"
    ray_address: str | None = None
    shard: str = "1/1"
    resume: bool = False
    progress: bool = True
    max_connection_failures: int = DEFAULT_MAX_CONNECTION_FAILURES
    agent_timeout: float = DEFAULT_AGENT_TIMEOUT_S
    report: bool = True
    paper: bool = False
    baseline: str | None = None
    real: tuple[Path, ...] | None = None
    programmer_validation: Path | None = None  # a folder with the programmer's replay/judge result to quote


@dataclass
class JobResult:
    out: Path
    summary: RunSummary
    report: dict[str, Any] | None  # what bench.report.write_report returned, None with report=False


def recorded_backend(backend: BackendOptions, engine: str | None) -> dict[str, Any]:
    """What a run's config records of the agents' backend: the options as given, and an engine the run
    starts by its name (its port changes from run to run, and a resumed run starts it again). Batching is a
    local engine's setting, recorded either way: a resumed run must decode as the run did."""
    recorded = {k: v for k, v in vars(backend).items() if v not in (None, False) and k != "batched"}
    if engine == Engine.VLLM:
        recorded["engine"] = Engine.VLLM
    elif not backend.base_url:
        recorded["batched"] = backend.batched
    return recorded


def _kept(out: Path) -> int:
    """Episodes of ``out`` that ``--resume`` keeps (``EpisodeStatus.final``)."""
    from codeassist_env.bench.store import EPISODES_FILE, latest_by_triple, load_episodes
    from codeassist_env.episode import EpisodeStatus

    records = latest_by_triple(load_episodes(out / EPISODES_FILE).records).values()
    return sum(EpisodeStatus(r["status"]).final for r in records)


def run_job(request: JobRequest, log: Callable[[str], None]) -> JobResult:
    """Run ``request``; ``log`` gets one line per step (notes, engine, agents ready, episodes done). Bad
    input raises ValueError (or FileNotFoundError) before any episode runs; the runner's EndpointUnreachable
    and RunAborted leave what finished on disk."""
    from codeassist_env.bench.comparison import choose_baseline
    from codeassist_env.bench.realism import load_real_logs
    from codeassist_env.humans import HUMANS
    from codeassist_env.problems import default_set, default_split
    from codeassist_env.realism.validation import for_run as validation_lines
    from codeassist_env.sandbox import resolve_backend

    engine = main_job.choose_engine(request.engine, served_elsewhere=bool(request.backend.base_url))
    if request.agents is None:
        job = main_job.main_job()
        for note in job.notes:
            log(note)
        agents = job.agents
    else:
        agents = request.agents
    choose_baseline(request.baseline, agents)  # a baseline that will not run is bad input before the run
    if request.report:
        load_real_logs(request.real)  # so is a bad real log: read now, not after the run
        if request.programmer_validation is not None:  # and a folder with no validation result
            validation_lines({}, request.programmer_validation)
    problems = request.problems or default_set()
    split = request.split if request.split != "auto" else default_split(problems)
    out = request.out or Path("runs") / time.strftime("bench-%Y%m%d-%H%M%S", time.gmtime())
    resolve_backend(request.sandbox)  # a missing sandbox is bad input now, not an error per episode
    if request.executor == "ray":
        import ray  # noqa: F401  (the ray extra: missing, it is bad input now, before anything is written)
    if request.cache != "off" and HUMANS.parse(request.human)[0].served_model is None:
        raise InputError(f"--cache {request.cache} applies to humans behind an endpoint (llm) only; leave --cache off")
    recorded = recorded_backend(request.backend, engine)
    with _agents_engine(engine, request.backend, agents, log) as backend:
        return _run(request, list(agents), str(problems), split, Path(out), backend, recorded, log)


@contextlib.contextmanager
def _agents_engine(
    engine: str | None, options: BackendOptions, agents: tuple[str, ...], log: Callable[[str], None]
) -> Iterator[BackendOptions]:
    """The backend options with the agents on ``engine``: a vLLM server started for this run (stopped after
    it, whatever happens) or, for any other engine, the options as given."""
    from codeassist_env.agents import AGENTS

    if engine != Engine.VLLM or not any(AGENTS.parse(name)[0].lm for name in agents):
        yield options
        return
    from codeassist_env.vllm_server import start_vllm_server

    log("starting vLLM for the agents (docs/vllm.md)")
    started = time.perf_counter()
    with start_vllm_server() as server:
        log(f"vLLM ready at {server.base_url} in {time.perf_counter() - started:.0f} s")
        yield dataclasses.replace(options, base_url=server.base_url)


def _run(
    request: JobRequest,
    agents: list[str],
    problems: str,
    split: str | None,
    out: Path,
    backend: BackendOptions,
    recorded_backend: dict[str, Any],
    log: Callable[[str], None],
) -> JobResult:
    from codeassist_env.agents import AGENTS, make_agent
    from codeassist_env.bench.agent_facts import agent_facts
    from codeassist_env.bench.report import write_report
    from codeassist_env.bench.runner import BenchConfig, BenchRunner, RunOptions, parse_shard
    from codeassist_env.humans import HUMANS, make_human
    from codeassist_env.server_pool import join_urls

    human_kind, human_arg = HUMANS.parse(request.human)
    human_urls = join_urls(request.human_base_url)
    human_model = None
    if human_kind.served_model is not None:  # a human behind an endpoint: the human_* fields are its options
        # The cache path is absolute: a Ray worker runs in a directory of its own.
        cache_path = str(Path(request.cache_path or out / "human-cache.sqlite").resolve())
        human_options = dict(
            base_url=human_urls, model=request.human_model, cache_mode=request.cache, cache_path=cache_path
        )
        human_model = human_kind.served_model(human_arg, **human_options)

        def build_human() -> Any:
            return make_human(request.human, **human_options)
    else:

        def build_human() -> Any:
            return request.human  # built inside each environment, with its tokenizer and sandbox

    config = BenchConfig(
        agents=tuple(agents),
        problems=problems,
        split=split,
        limit=request.limit,
        seeds=request.seeds,
        human=request.human,
        human_model=human_model,
        max_rounds=request.max_rounds,
        human_tokens=request.human_tokens,
        tokenizer=request.tokenizer,
        sandbox=request.sandbox,
        agent_backend=recorded_backend,
    )

    def build_agent(name: str, problem_list: list) -> Any:
        return make_agent(name, problems=problem_list, tokenizer=request.tokenizer, backend_options=backend)

    local_models = not backend.base_url and any(AGENTS.parse(name)[0].lm for name in agents)
    if local_models and request.threads:
        import torch

        torch.set_num_threads(request.threads)
    concurrency = request.concurrency or main_job.default_concurrency(served=bool(backend.base_url))
    options = RunOptions(
        out=out,
        concurrency=concurrency,
        shard=parse_shard(request.shard),
        resume=request.resume,
        human_base_url=human_urls,
        cache_mode=request.cache,
        progress=request.progress,
        max_connection_failures=request.max_connection_failures,
        executor=request.executor,
        ray_address=request.ray_address,
        torch_threads=request.threads if local_models else 0,
        agent_timeout=request.agent_timeout,
    )
    runner = BenchRunner(config, options, build_human, build_agent)
    log(f"{len(runner.problems)} problems x {len(agents)} agents x {request.seeds} seed(s) -> {out}")
    # A directory that holds a run is locked before the models load, so that a second run on it is refused
    # at once (a new one is locked by the runner: nothing is created before the run starts).
    try:
        with run_lock(out) if out.is_dir() else contextlib.nullcontext():
            loading = time.perf_counter()
            facts = {name: agent_facts(build_agent(name, runner.problems)) for name in agents}  # loads models once
            log(f"agents ready in {time.perf_counter() - loading:.1f} s")
            summary = runner.run(facts)
    except KeyboardInterrupt:
        raise RunInterrupted(out, _kept(out)) from None
    for note in summary.notes:
        log(note)
    retried = f", {summary.retried} run again after their worker died" if summary.retried else ""
    log(
        f"{summary.finished} episodes finished, {summary.errored} errored, {summary.skipped} already done"
        f"{retried}, in {summary.wall_s:.1f} s (wall)"
    )
    report = None
    if request.report:
        report = write_report(
            [out],
            with_paper=request.paper,
            baseline=request.baseline,
            real=request.real,
            programmer_validation=request.programmer_validation,
        )
    return JobResult(out=out, summary=summary, report=report)
