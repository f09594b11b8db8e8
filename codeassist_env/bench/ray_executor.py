"""``codeassist bench --executor ray``: the run's (agent, problem, seed) episodes on Ray workers.

Each worker is a Ray actor holding a ``BenchRunner`` of its own, so its environments, sandboxes, humans
and loaded models stay warm from one episode to the next; a worker runs up to ``ceil(concurrency /
workers)`` episodes at once in its own threads (the thread executor's rules hold inside it). A worker
returns each finished episode to the driver, and only the driver writes ``episodes.jsonl``
(``executors.Collector``), so the exactly-once and ``--resume`` guarantees are the thread executor's.

Workers are sized by the agents' declared resources (``AgentKind.resources``: a CPU each, and a GPU for
an agent whose model is local and on a GPU device); there are as many as the cluster fits, at most one
per concurrent episode. A worker that dies (killed, out of memory, its node lost) loses only the
episodes it was running: they are run again on a fresh worker, up to ``MAX_ATTEMPTS`` times each, and
the run's summary counts them (``RunSummary.retried``).
"""

from __future__ import annotations

import math
import os
import socket
from collections import deque
from typing import Any

from codeassist_env.bench.executors import Collector, EpisodeRunner
from codeassist_env.bench.outcome import EndpointDownEpisode, EndpointUnreachable, FatalEpisode, RunAborted
from codeassist_env.bench.store import Triple
from codeassist_env.episode import EpisodeRecord, EpisodeStatus
from codeassist_env.errors import InputError
from codeassist_env.problems import Problem

MAX_ATTEMPTS = 3  # runs of one episode on workers that died under it before it is recorded as an error


class EpisodeWorker:
    """The Ray actor: runs episodes and hands back ``(outcome, payload)``, never raising for one episode.
    Its runner is of the driver's runner's class (``runner_class``), built from the driver's arguments."""

    def __init__(
        self,
        runner_class: type[EpisodeRunner],
        config: Any,
        options: Any,
        make_human: Any,
        make_agent: Any,
        problems: list[Problem],
    ):
        if options.torch_threads:
            import torch

            torch.set_num_threads(options.torch_threads)
        self.runner = runner_class(config, options, make_human, make_agent, problems=problems)
        self.where = f"{socket.gethostname()}:{os.getpid()}"

    def ready(self) -> str:
        return self.where

    def run(self, triple: Triple) -> tuple[str, Any]:
        try:
            record = self.runner.run_episode(triple)
        except EndpointDownEpisode:
            return "down", self.runner.endpoint_watch.detail
        except FatalEpisode as fatal:
            return "fatal", fatal.record.to_json()
        record.worker = f"{self.where}/{record.worker}"  # the node and process, then the thread
        return "done", record.to_json()

    def close(self) -> None:
        self.runner.close()


def worker_resources(config: Any) -> dict[str, float]:
    """What one worker needs for a ``runner.BenchConfig``: the most any of the run's agent kinds declares,
    resource by resource."""
    from codeassist_env.agents import AGENTS
    from codeassist_env.agents.factories import BackendOptions

    recorded = dict(config.agent_backend)
    if recorded.pop("engine", None):  # the run serves its agents' models on an engine it started
        recorded["base_url"] = "the run's engine"
    options = BackendOptions(**recorded)
    needs: dict[str, float] = {}
    for name in config.agents:
        for key, value in AGENTS.parse(name)[0].resources(options).items():
            needs[key] = max(needs.get(key, 0), value)
    return needs


def worker_count(concurrency: int, needs: dict[str, float], cluster: dict[str, float]) -> int:
    """As many workers as the cluster fits, at most one per concurrent episode; ValueError if none fits."""
    fits = concurrency
    for key, ray_key in (("num_cpus", "CPU"), ("num_gpus", "GPU")):
        if needs.get(key):
            fits = min(fits, int(cluster.get(ray_key, 0) // needs[key]))
    if fits < 1:
        raise InputError(f"executor 'ray': a worker needs {needs} but the Ray cluster has {cluster}")
    return fits


def run_ray(runner: EpisodeRunner, todo: list[Triple], collector: Collector) -> None:
    import ray

    started_here = not ray.is_initialized()
    if started_here:  # else: the caller's (a test's, a notebook's) cluster
        ray.init(address=runner.options.ray_address, include_dashboard=False)
    actors: list[Any] = []
    try:
        _drive(ray, runner, todo, collector, actors)
    finally:
        _stop(ray, actors)
        if started_here:
            ray.shutdown()


def _drive(ray: Any, runner: EpisodeRunner, todo: list[Triple], collector: Collector, actors: list[Any]) -> None:
    concurrency = runner.options.concurrency
    needs = worker_resources(runner.config)
    count = worker_count(concurrency, needs, ray.cluster_resources())
    actor_class = ray.remote(EpisodeWorker).options(
        max_concurrency=math.ceil(concurrency / count), max_restarts=0, **needs
    )
    arguments = (type(runner), runner.config, runner.options, runner.make_human, runner.make_agent, runner.problems)

    def start() -> Any:
        return actor_class.remote(*arguments)

    actors.extend(start() for _ in range(count))
    try:
        ray.get([actor.ready.remote() for actor in actors])
    except ray.exceptions.RayError as error:
        raise RunAborted(f"the Ray workers could not start: {error}") from error
    queue = deque(todo)
    in_flight: dict[Any, tuple[Triple, int, Any]] = {}  # object ref -> (triple, worker slot, that worker)
    load = [0] * count
    attempts: dict[Triple, int] = {}
    down: str | None = None

    def submit() -> None:
        while down is None and queue and len(in_flight) < concurrency:
            slot = min(range(count), key=load.__getitem__)
            triple = queue.popleft()
            in_flight[actors[slot].run.remote(triple)] = (triple, slot, actors[slot])
            load[slot] += 1

    submit()
    while in_flight:
        ready, _ = ray.wait(list(in_flight), num_returns=1)
        triple, slot, actor = in_flight.pop(ready[0])
        load[slot] -= 1
        try:
            outcome, payload = ray.get(ready[0])
        except ray.exceptions.RayActorError as error:  # the worker died: its other episodes fail here too
            if actors[slot] is actor:
                actors[slot] = start()  # one fresh worker per dead one
            attempts[triple] = attempts.get(triple, 0) + 1
            if attempts[triple] < MAX_ATTEMPTS:
                collector.summary.retried += 1
                queue.appendleft(triple)
            else:
                collector.take(
                    EpisodeRecord(
                        *triple,
                        status=EpisodeStatus.ERROR,
                        error=f"the Ray worker running it died {attempts[triple]} times; last: {str(error)[:300]}",
                    )
                )
        else:
            if outcome == "done":
                collector.take(EpisodeRecord.from_json(payload))
            elif outcome == "fatal":
                collector.fatal(EpisodeRecord.from_json(payload))
            else:  # "down": not recorded, --resume runs it; no new episode starts
                down = payload
        submit()
    if down is not None:
        raise EndpointUnreachable(down)


def _stop(ray: Any, actors: list[Any]) -> None:
    """Close the workers' environments (sandboxes, human clients), then end the workers."""
    if not actors:
        return
    try:
        ray.get([actor.close.remote() for actor in actors], timeout=60)
    except ray.exceptions.RayError:  # a dead worker (nothing left to close), or one stuck past the timeout
        pass  # killing it below ends its sandboxes with it
    for actor in actors:
        ray.kill(actor)
