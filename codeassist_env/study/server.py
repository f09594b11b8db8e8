"""Build a study from its settings and serve it with uvicorn until Ctrl-C."""
from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any, Callable

from codeassist_env.sandbox import DEFAULT_BACKEND
from codeassist_env.study.core import Study, StudyConfig

LOOPBACK = "127.0.0.1"


# Sandboxes the study runs programs on at once (``runs.FairRuns``): the participants whose programs hang
# hold one of them, the others serve everyone else.
DEFAULT_SANDBOXES = 4


def build_study(config: StudyConfig, directory: Path, *, sandbox: str = DEFAULT_BACKEND, tokenizer: Any = None,
                agent_options: dict[str, Any] | None = None,
                sandboxes: int = DEFAULT_SANDBOXES) -> tuple[Study, Callable[[], None]]:
    """The study and a function that closes it and its ``sandboxes`` sandboxes."""
    from codeassist_env.agents import make_agent
    from codeassist_env.problems import load_problems
    from codeassist_env.sandbox import open_sandbox
    from codeassist_env.tokenizer import get_tokenizer

    problems = load_problems(config.problems)
    tok = get_tokenizer(tokenizer)

    def make_assistant(name: str) -> Any:
        return make_agent(name, problems=problems, tokenizer=tokenizer, **(agent_options or {}))

    boxes: list[Any] = []

    def close_boxes() -> None:
        for box in boxes:
            box.close()

    try:
        boxes += [open_sandbox(sandbox) for _ in range(sandboxes)]
        study = Study(config, directory, problems, boxes, make_assistant, tok)
    except BaseException:
        close_boxes()
        raise

    def close() -> None:
        try:
            study.close()
        finally:
            close_boxes()
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
