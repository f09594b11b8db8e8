"""How a run's episodes are executed: ``run_threads`` (a thread pool in this process, the default) or
``codeassist_env.bench.ray_executor.run_ray`` (Ray workers, on one machine or a cluster); the runner is
given one (``BenchRunner.run(execute=...)``). Either way the finished episodes come back to this process,
and ``Collector`` alone writes them to ``episodes.jsonl``: one writer keeps the exactly-once and
``--resume`` guarantees whatever runs the episodes."""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from codeassist_env.bench.guards import EndpointWatch
from codeassist_env.bench.outcome import EndpointDownEpisode, EndpointUnreachable, FatalEpisode, RunAborted, RunSummary
from codeassist_env.bench.store import Triple
from codeassist_env.episode import EpisodeRecord, EpisodeStatus
from codeassist_env.jsonl_log import LineWriter
from codeassist_env.problems import Problem


class EpisodeRunner(Protocol):
    """What an executor uses of ``runner.BenchRunner``: a protocol, so that the runner can name its
    executors without either module importing the other. An executor running episodes elsewhere (a Ray
    worker) builds a runner of the same class from the same config, options, builders and problems."""

    config: Any  # runner.BenchConfig
    options: Any  # runner.RunOptions
    problems: list[Problem]
    make_human: Callable[[], Any]
    make_agent: Callable[[str, list[Problem]], Any]
    endpoint_watch: EndpointWatch

    def __init__(
        self,
        config: Any,
        options: Any,
        make_human: Callable[[], Any],
        make_agent: Callable[[str, list[Problem]], Any],
        problems: list[Problem] | None = None,
    ) -> None:
        """The runner of ``config`` and ``options``; ``problems``: the run's, when the caller has them."""

    def run_episode(self, triple: Triple) -> EpisodeRecord:
        """Raises ``EndpointDownEpisode`` or ``FatalEpisode``; any other error is in the record."""

    def close(self) -> None: ...


class AgentStats:
    """Running Pass@1 and accept ratio per agent for the progress bar."""

    def __init__(self) -> None:
        self.passed: dict[str, list[float]] = defaultdict(list)
        self.ratios: dict[str, list[float]] = defaultdict(list)

    def add(self, record: EpisodeRecord) -> None:
        result = record.result
        if not record.headline or result is None:  # a headline record has a result: the test narrows its type
            return
        self.passed[record.agent].append(result.pass_at_1)
        if result.accept_ratio is not None:
            self.ratios[record.agent].append(result.accept_ratio)

    def postfix(self) -> str:
        parts = []
        for agent in sorted(self.passed):
            p = self.passed[agent]
            r = self.ratios.get(agent) or []
            ratio = f"{sum(r) / len(r):.2f}" if r else "-"
            parts.append(f"{agent} P@1 {sum(p) / len(p):.2f} acc {ratio}")
        return " | ".join(parts)


def _name(record: EpisodeRecord) -> str:
    return f"episode {record.agent} {record.problem_id} seed {record.seed}"


class Collector:
    """The driver's end of a run: writes each finished episode, counts it in the summary and the progress bar."""

    def __init__(self, writer: LineWriter, summary: RunSummary, stats: AgentStats, total: int, progress: bool):
        from tqdm import tqdm

        self.writer, self.summary, self.stats = writer, summary, stats
        self.bar = tqdm(total=total, unit="ep", disable=not progress, dynamic_ncols=True)

    def take(self, record: EpisodeRecord) -> None:
        self.writer.append(record.to_json(), name=_name(record))
        self.stats.add(record)
        if record.status.final:
            self.summary.finished += 1
            if record.status == EpisodeStatus.AGENT_ERROR:
                self.summary.agent_failures += 1
                self.bar.write(f"episode {_name(record)} scored 0: {record.error}")
        else:
            self.summary.errored += 1
            self.bar.write(f"episode {record.agent} {record.problem_id} seed {record.seed} failed: {record.error}")
        self.bar.set_postfix_str(self.stats.postfix(), refresh=False)
        self.bar.update(1)

    def fatal(self, record: EpisodeRecord, cause: BaseException | None = None) -> None:
        """Write an episode whose error must stop the run (a replay-cache miss) and stop it."""
        self.writer.append(record.to_json(), name=_name(record))
        raise RunAborted(
            f"run stopped: episode {record.agent} {record.problem_id} seed {record.seed}: {record.error}"
        ) from cause

    def close(self) -> None:
        self.bar.close()


Executor = Callable[[EpisodeRunner, list[Triple], Collector], None]


def run_threads(runner: EpisodeRunner, todo: list[Triple], collector: Collector) -> None:
    """Episodes on ``concurrency`` threads of this process, each taking the next triple when it is free.

    The threads are daemons, so that an interrupted run (Ctrl-C) ends at once: the episodes in flight (a
    sandbox run, an assistant's call before its deadline) are not waited for nor recorded (--resume runs
    them), and cannot hold the process."""
    pending, taking, stopped = iter(todo), threading.Lock(), threading.Event()
    finished: queue.SimpleQueue = queue.SimpleQueue()

    def next_triple() -> Triple | None:
        with taking:
            return None if stopped.is_set() or runner.endpoint_watch.tripped else next(pending, None)

    def work() -> None:
        try:
            while (triple := next_triple()) is not None:
                try:
                    finished.put(runner.run_episode(triple))
                except BaseException as stop:  # EndpointDownEpisode, FatalEpisode, or a bug: for the driver
                    finished.put(stop)
                    return
        finally:
            finished.put(None)

    workers = [
        threading.Thread(target=work, name=f"episode_{i}", daemon=True) for i in range(runner.options.concurrency)
    ]
    for worker in workers:
        worker.start()
    try:
        running = len(workers)
        while running:
            item = finished.get()
            if item is None:
                running -= 1
            elif isinstance(item, FatalEpisode):
                collector.fatal(item.record, item.__cause__)
            elif isinstance(item, EndpointDownEpisode):  # not recorded: --resume runs it
                continue
            elif isinstance(item, BaseException):
                raise item
            else:
                collector.take(item)
        if runner.endpoint_watch.tripped:
            raise EndpointUnreachable(runner.endpoint_watch.detail)
    finally:
        stopped.set()
