"""Run (agent, problem, seed) episodes of ``CodeAssist-v0`` concurrently into a results directory.

Episodes run in a bounded thread pool (``executors.run_threads``) or on Ray workers
(``ray_executor.run_ray``), each of which holds a ``BenchRunner`` of its own; ``BenchRunner.run`` is given
one, or takes the one ``RunOptions.executor`` names. Environments, simulated humans and agents keep
per-episode state, so each worker thread builds its own; what is expensive is shared: the problem list,
the tokenizer, loaded language models (the agents' backends are cached per process) and the LLM human's
response cache. Greedy calls into *local* models run side by side (torch inference is thread-safe); a
sampling call runs alone (see ``guards.SamplingGate``).
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from codeassist_env.agents.deadline import DEFAULT_AGENT_TIMEOUT_S, AgentFailed, AgentFailure
from codeassist_env.bench.agent_facts import BEHAVIOUR_FACTS
from codeassist_env.bench.engine import local_numerics, numerics_warning, refuse_mixed_engines, run_engine
from codeassist_env.bench.executors import AgentStats, Collector, Executor, run_threads
from codeassist_env.bench.guards import EndpointDown, EndpointWatch, SamplingGate, WatchedHuman
from codeassist_env.bench.outcome import EndpointDownEpisode, EndpointUnreachable, FatalEpisode, RunAborted, RunSummary
from codeassist_env.bench.ray_executor import run_ray
from codeassist_env.bench.store import (
    EPISODES_FILE,
    RUN_FORMAT,
    EpisodeWriter,
    LoadedEpisodes,
    RunStoreError,
    Triple,
    changed_keys,
    config_hash,
    environment_facts,
    human_facts,
    latest_by_triple,
    load_episodes,
    read_run,
    run_lock,
    write_run,
)
from codeassist_env.episode import EpisodeRecord, EpisodeResult, EpisodeStatus
from codeassist_env.errors import InputError
from codeassist_env.humans import BENCH_HUMAN
from codeassist_env.humans.base import FailureReason
from codeassist_env.humans.cache import CacheMiss
from codeassist_env.problems import Problem, load_problems
from codeassist_env.protocol import HUMAN_TOKENS, MAX_ROUNDS
from codeassist_env.sandbox import BENCH_BACKEND
from codeassist_env.sandbox.result import TestStatus
from codeassist_env.server_pool import tally
from codeassist_env.tokenizer import get_tokenizer

# Rounds in a row (over all episodes) whose simulated human could not connect to its endpoint, each after
# the human's own retries, before the run stops: the endpoint is down, and going on would only record
# rounds of failures.
DEFAULT_MAX_CONNECTION_FAILURES = 3
# Episodes in flight. A served engine batches them, and 16 was vLLM's best on 2 cores
# (benchmarks/bench_engines.py, docs/vllm.md); the local backend batches the calls of one model
# (agents.batched_decoding): the main job with 16 in flight took 8 min 7 s, against 15 min 35 s with 2
# unbatched (docs/bench.md).
DEFAULT_CONCURRENCY = 16


@dataclass(frozen=True)
class BenchConfig:
    """Everything that decides an episode's outcome; hashed into ``run.json`` so that a resumed run or a
    merged shard is known to be the same experiment."""

    agents: tuple[str, ...]
    problems: str
    split: str | None = None
    limit: int | None = None
    seeds: int = 1
    human: str = BENCH_HUMAN  # a registered name (humans.HUMANS)
    human_model: str | None = None  # llm only: the model served (run_job records it; None asks for the server's)
    max_rounds: int = MAX_ROUNDS
    human_tokens: int = HUMAN_TOKENS
    tokenizer: str | None = None
    sandbox: str = BENCH_BACKEND
    agent_backend: dict[str, Any] = field(default_factory=dict)  # BackendOptions of the LM agents

    def __post_init__(self) -> None:
        if not self.agents:
            raise InputError("give at least one agent")
        if len(set(self.agents)) != len(self.agents):
            raise InputError(f"agent names repeat in {list(self.agents)}")
        if self.seeds < 1:
            raise InputError(f"seeds must be >= 1, got {self.seeds}")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"limit must be >= 1 or None, got {self.limit}")
        if self.max_rounds < 1:
            raise InputError(f"max_rounds must be >= 1, got {self.max_rounds}")
        if self.human_tokens < 0:
            raise InputError(f"human_tokens must be >= 0, got {self.human_tokens}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["agents"] = list(self.agents)
        return data


EXECUTORS: dict[str, Executor] = {"threads": run_threads, "ray": run_ray}


@dataclass(frozen=True)
class RunOptions:
    """How a run executes; not part of the config hash (changing them cannot change an episode)."""

    out: Path
    concurrency: int = DEFAULT_CONCURRENCY
    shard: tuple[int, int] = (1, 1)
    resume: bool = False
    human_base_url: str | None = None  # llm human: its endpoint(s), comma-joined (server_pool.join_urls)
    cache_mode: str = "off"  # llm human's response cache: off, record or replay
    cache_path: str | None = None  # None: OUT/human-cache.sqlite
    progress: bool = True
    max_connection_failures: int = DEFAULT_MAX_CONNECTION_FAILURES
    executor: str = "threads"  # or "ray"
    ray_address: str | None = None  # None: a Ray cluster of this machine alone (or the one already initialised)
    # Torch CPU threads of local LM agents, in each process that runs episodes (0: torch's choice). One, since
    # episodes, sandboxes and other programs share the cores, and an oversubscribed CPU generates several
    # times slower.
    torch_threads: int = 1
    # Seconds each call of an assistant may take; past it the episode is the assistant's failure (§2.6).
    agent_timeout: float = DEFAULT_AGENT_TIMEOUT_S

    def __post_init__(self) -> None:
        if not self.agent_timeout > 0:
            raise InputError(f"agent_timeout must be a number of seconds > 0, got {self.agent_timeout!r}")
        if self.executor not in EXECUTORS:
            raise InputError(f"executor {self.executor!r}: expected one of {', '.join(EXECUTORS)}")
        if self.concurrency < 1:
            raise InputError(f"concurrency must be >= 1, got {self.concurrency}")
        if self.max_connection_failures < 1:
            raise InputError(f"max_connection_failures must be >= 1, got {self.max_connection_failures}")
        if self.out.exists() and not self.out.is_dir():
            raise RunStoreError(f"out {self.out} is a file, not a directory: name a directory for the run")
        index, count = self.shard
        if not 1 <= index <= count:
            raise InputError(f"shard {index}/{count}: need 1 <= i <= n")


def parse_shard(text: str) -> tuple[int, int]:
    index, slash, count = text.partition("/")
    if not slash or not index.isdigit() or not count.isdigit() or not 1 <= int(index) <= int(count):
        raise InputError(f"shard {text!r}: expected i/n with 1 <= i <= n, e.g. 1/4")
    return int(index), int(count)


def select_problems(config: BenchConfig) -> list[Problem]:
    problems = load_problems(config.problems, config.split)
    return problems[: config.limit] if config.limit else problems


def all_triples(config: BenchConfig, problems: list[Problem]) -> list[Triple]:
    return sorted((agent, p.id, seed) for agent in config.agents for p in problems for seed in range(config.seeds))


def shard_of(triples: list[Triple], shard: tuple[int, int]) -> list[Triple]:
    """Shard i of n: every n-th triple of the sorted list starting at the i-th (spreads agents evenly)."""
    index, count = shard
    return sorted(triples)[index - 1 :: count]


def _behaviour(facts: dict[str, Any]) -> dict[str, Any]:
    manifest = facts.get("adapter_manifest") or {}
    return {
        **{k: facts.get(k) for k in BEHAVIOUR_FACTS},
        "adapter": {k: manifest.get(k) for k in ("method", "created", "final_loss")} if manifest else None,
    }


def _refuse_changed_agents(out: Path, before: dict[str, Any], now: dict[str, Any]) -> None:
    changed = sorted(name for name in set(before) & set(now) if _behaviour(before[name]) != _behaviour(now[name]))
    if changed:
        details = "; ".join(f"{name}: {_behaviour(before[name])} -> {_behaviour(now[name])}" for name in changed)
        raise RunStoreError(
            f"cannot resume {out}: agent(s) {', '.join(changed)} now behave differently "
            f"({details}); write to another out directory"
        )


def _refuse_unstorable(agent_info: dict[str, Any] | None) -> None:
    """What the agent said of its suggestion goes into the episode record: text JSON or UTF-8 cannot hold
    (a lone surrogate) is the agent's failure, refused here rather than when the record is written."""
    try:
        json.dumps(agent_info, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as error:
        raise AgentFailed(
            AgentFailure.INVALID_ACTION, f"its last_info cannot be stored ({type(error).__name__}: {error})"
        )


PROBLEMS_PER_BLOCK = 10


def run_order(triples: list[Triple], agents: Sequence[str]) -> list[Triple]:
    """Blocks of :data:`PROBLEMS_PER_BLOCK` problems, and in a block one agent after another: a run stopped
    half-way has comparable episodes for every agent (whole blocks), and the episodes in flight at once are
    mostly one agent's, which its local model runs together (``agents.batched_decoding``)."""
    problems = sorted({t[1] for t in triples})
    block = {problem: rank // PROBLEMS_PER_BLOCK for rank, problem in enumerate(problems)}
    rank = {agent: i for i, agent in enumerate(agents)}
    return sorted(triples, key=lambda t: (block[t[1]], rank.get(t[0], len(rank)), t[0], t[1], t[2]))


class BenchRunner:
    """``make_human()`` returns a fresh simulated human (or a registered name) for one worker thread;
    ``make_agent(name, problems)`` a fresh agent for one worker thread."""

    def __init__(
        self,
        config: BenchConfig,
        options: RunOptions,
        make_human: Callable[[], Any],
        make_agent: Callable[[str, list[Problem]], Any],
        problems: list[Problem] | None = None,
    ):
        """``problems``: the run's problems when the caller has them (a Ray worker gets the driver's)."""
        self.config, self.options = config, options
        self.make_human, self.make_agent = make_human, make_agent
        self.problems = select_problems(config) if problems is None else problems
        self._local = threading.local()
        self._envs: list[Any] = []
        self._envs_lock = threading.Lock()
        self._local_model_gate = SamplingGate()
        self.endpoint_watch = EndpointWatch(options.max_connection_failures)

    # ---- the results directory ---------------------------------------------------------------------
    def prepare(self, agent_facts: dict[str, Any]) -> LoadedEpisodes:
        """Check ``out`` against this config (refusing a mismatch), write ``run.json``; return the
        episodes already there (with notes about repairs)."""
        out = self.options.out
        episodes = out / EPISODES_FILE
        config = self.config.to_dict()
        digest = config_hash(config)
        previous = None
        if (out / "run.json").is_file():
            previous = read_run(out)
        if not self.options.resume and (previous is not None or episodes.is_file()):
            raise RunStoreError(f"{out} already holds a run; set resume to continue it, or choose another out")
        engine = run_engine(agent_facts)
        if previous is not None:  # before the config: a changed --agent-base-url is named by its engine
            refuse_mixed_engines(out, previous, engine)
        if previous is not None and previous["config_hash"] != digest:
            changed = changed_keys(previous["config"], config)
            details = "; ".join(f"{k}: {previous['config'].get(k)!r} -> {config.get(k)!r}" for k in changed)
            raise RunStoreError(
                f"cannot resume {out}: the config changed ({details}). Rerun with the "
                "original settings or write to another --out"
            )
        if previous is not None:
            _refuse_changed_agents(out, previous.get("agents") or {}, agent_facts)
        loaded = load_episodes(episodes)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        run = {
            "format": RUN_FORMAT,
            "config": config,
            "config_hash": digest,
            "created_at": previous["created_at"] if previous else now,
            "updated_at": now,
            "options": {
                "concurrency": self.options.concurrency,
                "shard": "/".join(map(str, self.options.shard)),
                "cache_mode": self.options.cache_mode,
                "human_base_url": self.options.human_base_url,
                "executor": self.options.executor,
                "agent_timeout": self.options.agent_timeout,
            },
            "tokenizer": get_tokenizer(self.config.tokenizer).name,
            "problem_ids": [p.id for p in self.problems],
            "agents": agent_facts,
            "engine": engine,
            **environment_facts(),
        }
        run["numerics"] = local_numerics(engine)
        loaded.notes += numerics_warning(out, previous, run["numerics"])
        out.mkdir(parents=True, exist_ok=True)  # before a human is built: the LLM human's cache may live there
        run["human"] = self._human_facts()
        write_run(out, run)
        return loaded

    def _human_facts(self) -> dict[str, Any]:
        """What the report's setup line says about the human: one built as a worker builds it."""
        from codeassist_env.humans import make_human

        human = self.make_human()
        if isinstance(human, str):
            human = make_human(human, tokenizer=self.config.tokenizer)
        try:
            return human_facts(human)
        finally:
            if callable(getattr(human, "close", None)):
                human.close()

    # ---- one episode -----------------------------------------------------------------------------
    def _worker(self) -> Any:
        local = self._local
        if not hasattr(local, "env"):
            import gymnasium as gym

            import codeassist_env  # noqa: F401  (registers CodeAssist-v0)

            human = self.make_human()
            if not isinstance(human, str):  # a registered name builds an offline human inside the env
                human = WatchedHuman(human, self.endpoint_watch)
            local.env = gym.make(
                "CodeAssist-v0",
                problems=self.problems,
                human=human,
                sandbox=self.config.sandbox,
                max_rounds=self.config.max_rounds,
                human_tokens=self.config.human_tokens,
                tokenizer=self.config.tokenizer,
            )
            local.agents = {}
            with self._envs_lock:
                self._envs.append(local.env)
        return local

    def _model_gate(self, agent: Any) -> Any:
        """The context to hold around ``agent.act``: a ``SamplingGate`` turn for agents on a local model (its
        backend's ``info`` names no server)."""
        info = getattr(getattr(agent, "backend", None), "info", None)
        if info is None or info.served_at is not None:  # no model, or one computed by a server
            return nullcontext()
        # One gate for all local models: they share torch's one process-wide RNG.
        gate = self._local_model_gate
        return gate.sampling() if getattr(agent, "temperature", 0) > 0 else gate.greedy()

    def run_episode(self, triple: Triple) -> EpisodeRecord:
        agent_name, problem_id, seed = triple
        record = EpisodeRecord(
            agent_name,
            problem_id,
            seed,
            status=EpisodeStatus.ERROR,
            worker=threading.current_thread().name,
            started_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        )
        started = time.perf_counter()
        with tally() as servers:  # which inference servers answered this episode's requests
            try:
                self._play(triple, record)
            except EndpointDown as error:
                raise EndpointDownEpisode(record) from error
            except Exception as error:  # recorded, so that --resume retries it and the report counts it
                record.error = f"{type(error).__name__}: {error}"
                record.traceback = traceback.format_exc(limit=8)
                if isinstance(error, CacheMiss):
                    raise FatalEpisode(record) from error
            finally:
                record.servers = servers or None
        record.elapsed_s = time.perf_counter() - started
        return record

    def _play(self, triple: Triple, record: EpisodeRecord) -> None:
        from codeassist_env.agents import play_episode

        agent_name, problem_id, seed = triple
        local = self._worker()
        if agent_name not in local.agents:
            local.agents[agent_name] = self.make_agent(agent_name, self.problems)
        agent = local.agents[agent_name]
        acts: list[tuple[float, dict[str, Any] | None]] = []

        def timed_act(obs: dict[str, Any]) -> str:
            act_started = time.perf_counter()
            with self._model_gate(agent):
                suggestion = agent.act(obs)
            agent_info = getattr(agent, "last_info", None)
            agent_info = {k: v for k, v in agent_info.items() if k != "reply"} if agent_info else None
            _refuse_unstorable(agent_info)
            acts.append((time.perf_counter() - act_started, agent_info))
            return suggestion

        result = EpisodeResult.from_info(
            play_episode(
                local.env,
                agent,
                problem_id=problem_id,
                seed=seed,
                act=timed_act,
                agent_timeout=self.options.agent_timeout,
            )
        )
        for entry, (act_s, agent_info) in zip(result.transcript, acts):
            entry["act_s"] = act_s
            if agent_info is not None:
                entry["agent_info"] = agent_info
        record.result = result
        if result.agent_failure:  # an agent object that failed is not used again: its call may still be running
            local.agents.pop(agent_name, None)
        unreachable = sum(entry["simulator_failure"] == FailureReason.CONNECTION for entry in result.transcript)
        if unreachable:  # not a usable episode: the human was not there to answer; --resume reruns it
            record.error = f"the simulated human's endpoint could not be reached in {unreachable} round(s)"
        elif result.agent_failure:  # charged to the assistant (§2.6)
            record.status = EpisodeStatus.AGENT_ERROR
            record.error = f"the assistant failed: {result.agent_failure}"
        elif result.infra_error:  # the hidden tests never ran: no verdict on the agent; --resume reruns it
            record.status = EpisodeStatus.INFRA_ERROR
            record.error = (
                "the sandbox failed while running the hidden tests: "
                + "; ".join(t.stderr[-200:] for t in result.verdict.tests if t.status == TestStatus.INFRA_ERROR)[:600]
            )
        else:
            record.status = EpisodeStatus.OK

    # ---- the whole run ---------------------------------------------------------------------------
    def run(self, agent_facts: dict[str, Any] | None = None, execute: Executor | None = None) -> RunSummary:
        """Run this shard's episodes that are not done yet. ``execute``: what runs them (default: the
        executor ``options.executor`` names). Raises ``RunAborted`` (``EndpointUnreachable`` when the
        simulated human's endpoint is down); what finished is recorded either way."""
        with run_lock(self.options.out):
            return self._run(agent_facts, execute or EXECUTORS[self.options.executor])

    def _run(self, agent_facts: dict[str, Any] | None, execute: Executor) -> RunSummary:
        started = time.perf_counter()
        loaded = self.prepare(agent_facts or {})
        latest = latest_by_triple(loaded.records)
        planned = shard_of(all_triples(self.config, self.problems), self.options.shard)
        done = {k for k, r in latest.items() if EpisodeStatus(r["status"]).final}
        todo = run_order([t for t in planned if t not in done], self.config.agents)
        summary = RunSummary(
            self.options.out, planned=len(planned), skipped=len(planned) - len(todo), notes=loaded.notes
        )
        stats = AgentStats()
        for record in latest.values():
            stats.add(EpisodeRecord.from_json(record))
        try:
            with EpisodeWriter(self.options.out / EPISODES_FILE, loaded) as writer:
                collector = Collector(writer, summary, stats, len(todo), self.options.progress)
                try:
                    execute(self, todo, collector)
                finally:
                    collector.close()
        finally:
            self.close()
        summary.wall_s = time.perf_counter() - started
        return summary

    def close(self) -> None:
        """Close the environments this runner's workers built (their sandboxes and humans)."""
        with self._envs_lock:
            envs, self._envs = self._envs, []
        for env in envs:
            env.close()


# The runner's callers build its config and options, and catch what ``run`` raises, from here (the errors
# and the summary are defined in ``outcome``, where the executors that raise them find them too).
__all__ = [
    "DEFAULT_MAX_CONNECTION_FAILURES",
    "EXECUTORS",
    "BenchConfig",
    "BenchRunner",
    "EndpointUnreachable",
    "RunAborted",
    "RunOptions",
    "RunSummary",
    "parse_shard",
]
