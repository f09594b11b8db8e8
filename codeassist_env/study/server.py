"""Build a study from its settings and serve it with uvicorn until Ctrl-C."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from codeassist_env.sandbox import DEFAULT_BACKEND
from codeassist_env.study.core import Study, StudyConfig

LOOPBACK = "127.0.0.1"


# Sandboxes the study runs programs on at once (``runs.FairRuns``). More than the participants whose programs
# may hang at once, so that their first runs (nobody can tell them from good ones) never hold them all; after
# that they share one. Measured (benchmarks/bench_study_fairness.py, 20 participants, 10 of them hanging,
# 2 cores): the well-behaved runs' p95 was 21.4 s with 4 sandboxes, 1.22 s with 12 (1.30 s when nobody's
# program hangs). A warm sandbox worker holds tens of MB.
DEFAULT_SANDBOXES = 12


def build_study(
    config: StudyConfig,
    directory: Path,
    *,
    sandbox: str = DEFAULT_BACKEND,
    tokenizer: Any = None,
    agent_options: dict[str, Any] | None = None,
    sandboxes: int = 1,
) -> tuple[Study, Callable[[], None]]:
    """The study and a function that closes it and its sandboxes: ``sandboxes`` of them, shared fairly
    (``runs.FairRuns``; the command line's default is ``DEFAULT_SANDBOXES``), the first opened here, the
    others on a thread of their own."""
    from codeassist_env.agents import make_agent
    from codeassist_env.problems import load_problems
    from codeassist_env.sandbox import open_sandbox
    from codeassist_env.tokenizer import get_tokenizer

    problems = load_problems(config.problems)
    tok = get_tokenizer(tokenizer)

    def make_assistant(name: str) -> Any:
        return make_agent(name, problems=problems, tokenizer=tokenizer, **(agent_options or {}))

    box = open_sandbox(sandbox)  # one at once: a backend that cannot start fails here, not at a participant's Run
    try:
        study = Study(
            config,
            directory,
            problems,
            box,
            make_assistant,
            tok,
            open_sandbox=lambda: open_sandbox(sandbox),
            sandboxes=sandboxes,
        )
    except BaseException:
        box.close()
        raise

    if sandboxes > 1:  # the rest of the pool starts in the background, ready for the first burst of runs
        threading.Thread(target=study.runs.warm, name="sandbox-warm-up", daemon=True).start()

    def close() -> None:
        try:
            study.close()
        finally:
            study.runs.close()

    return study, close


def serve(study: Study, host: str = LOOPBACK, port: int = 8765, announce: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted. The socket is bound here, so ``port=0`` works and the URL announced is
    the real one."""
    import uvicorn

    from codeassist_env.study.app import create_app

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    with sock:
        sock.bind((host, port))
        # Listen before the URL is announced: a client that connects at once (a browser opened on the
        # line) then waits in the backlog until uvicorn accepts, instead of being refused.
        sock.listen(128)
        url = f"http://{host if family == socket.AF_INET else f'[{host}]'}:{sock.getsockname()[1]}/"
        (announce or (lambda line: print(line, flush=True)))(f"study serving at {url}")
        for note in study.repair_notes:
            print(f"study log: {note}", file=sys.stderr, flush=True)
        server = uvicorn.Server(uvicorn.Config(create_app(study), log_level="warning", access_log=False))
        server.run(sockets=[sock])
