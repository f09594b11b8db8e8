"""One benchmark run from the library's own config objects: what ``codeassist bench`` asks for.

A ``JobRequest`` holds the run's ``BenchConfig`` (what decides an episode) and ``RunOptions`` (how the run
executes), both built by the caller, plus what only a job does: start the agents' engine and write the
report. ``run_job`` checks every input that can be checked before the first episode, fills in the fields the
run itself decides (the served programmer's model, the agents' recorded backend, the torch threads), builds
the runner and writes the report. ``main_job_agents`` and ``default_out`` are the command's presets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.agents.factories import BackendOptions
from codeassist_env.bench import main_job
from codeassist_env.bench.outcome import RunInterrupted, RunSummary
from codeassist_env.bench.runner import BenchConfig, RunOptions
from codeassist_env.bench.store import run_lock
from codeassist_env.engines import Engine
from codeassist_env.errors import InputError


@dataclass(frozen=True)
class JobRequest:
    config: BenchConfig  # human_model: the model asked for (None: the server's); the job records the one served
    options: RunOptions
    engine: str = "auto"  # what computes the LM agents: main_job.ENGINES
    backend: BackendOptions = dataclasses.field(default_factory=BackendOptions)
    report: bool = True
    paper: bool = False
    baseline: str | None = None
    real: tuple[Path, ...] | None = None
    programmer_validation: Path | None = None  # a folder with the programmer's replay/judge result to quote


def main_job_agents(log: Callable[[str], None]) -> tuple[str, ...]:
    """The main job's agents (``main_job.main_job``), each replacement or omission logged."""
    job = main_job.main_job()
    for note in job.notes:
        log(note)
    return job.agents


def default_out() -> Path:
    """Where a run goes when no directory is named: runs/bench-<UTC time>."""
    return Path("runs") / time.strftime("bench-%Y%m%d-%H%M%S", time.gmtime())


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
    """Run ``request``; ``log`` gets one line per step (engine, agents ready, episodes done). Bad input raises
    ``InputError`` (or FileNotFoundError) before any episode runs; the runner's EndpointUnreachable and
    RunAborted leave what finished on disk."""
    from codeassist_env.bench.comparison import choose_baseline
    from codeassist_env.bench.realism import load_real_logs
    from codeassist_env.humans import HUMANS
    from codeassist_env.realism.validation import for_run as validation_lines
    from codeassist_env.sandbox import resolve_backend

    config, options = request.config, request.options
    engine = main_job.choose_engine(request.engine, served_elsewhere=bool(request.backend.base_url))
    choose_baseline(request.baseline, config.agents)  # a baseline that will not run is bad input before the run
    if request.report:
        load_real_logs(request.real)  # so is a bad real log: read now, not after the run
        if request.programmer_validation is not None:  # and a folder with no validation result
            validation_lines({}, request.programmer_validation)
    resolve_backend(config.sandbox)  # a missing sandbox is bad input now, not an error per episode
    if options.executor == "ray":
        import ray  # noqa: F401  (the ray extra: missing, it is bad input now, before anything is written)
    if HUMANS.parse(config.human)[0].served_model is None:
        if options.cache_mode != "off":
            raise InputError(
                f"cache_mode {options.cache_mode!r} applies to humans behind an endpoint (llm) only; leave it 'off'"
            )
        if config.human_model is not None:
            raise InputError(
                f"human_model {config.human_model!r} applies to humans behind an endpoint (llm) only, "
                f"not to {config.human!r}"
            )
    recorded = recorded_backend(request.backend, engine)
    with _agents_engine(engine, request.backend, config.agents, log) as backend:
        return _run(request, dataclasses.replace(config, agent_backend=recorded), backend, log)


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


def _run(request: JobRequest, config: BenchConfig, backend: BackendOptions, log: Callable[[str], None]) -> JobResult:
    from codeassist_env.agents import AGENTS, make_agent
    from codeassist_env.bench.agent_facts import agent_facts
    from codeassist_env.bench.report import write_report
    from codeassist_env.bench.runner import BenchRunner
    from codeassist_env.humans import HUMANS, make_human

    options = request.options
    human_kind, human_arg = HUMANS.parse(config.human)
    if human_kind.served_model is not None:  # a human behind an endpoint: the run records the model it serves
        # The cache path is absolute: a Ray worker runs in a directory of its own.
        cache_path = str(Path(options.cache_path or options.out / "human-cache.sqlite").resolve())
        human_options = dict(
            base_url=options.human_base_url,
            model=config.human_model,
            cache_mode=options.cache_mode,
            cache_path=cache_path,
        )
        config = dataclasses.replace(config, human_model=human_kind.served_model(human_arg, **human_options))

        def build_human() -> Any:
            return make_human(config.human, **human_options)
    else:

        def build_human() -> Any:
            return config.human  # built inside each environment, with its tokenizer and sandbox

    def build_agent(name: str, problem_list: list) -> Any:
        return make_agent(name, problems=problem_list, tokenizer=config.tokenizer, backend_options=backend)

    local_models = not backend.base_url and any(AGENTS.parse(name)[0].lm for name in config.agents)
    if local_models and options.torch_threads:
        import torch

        torch.set_num_threads(options.torch_threads)
    if not local_models:  # a Ray worker sets no torch threads when no model of the run is local
        options = dataclasses.replace(options, torch_threads=0)
    runner = BenchRunner(config, options, build_human, build_agent)
    out = options.out
    log(f"{len(runner.problems)} problems x {len(config.agents)} agents x {config.seeds} seed(s) -> {out}")
    # A directory that holds a run is locked before the models load, so that a second run on it is refused
    # at once (a new one is locked by the runner: nothing is created before the run starts).
    try:
        with run_lock(out) if out.is_dir() else contextlib.nullcontext():
            loading = time.perf_counter()
            # Each agent built once here loads its model, which the episodes' agents then share.
            facts = {name: agent_facts(build_agent(name, runner.problems)) for name in config.agents}
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
