"""The web application: the page, its static files (CodeMirror bundled, nothing fetched from the
internet) and a small JSON API over ``Study``. Handlers read and check the body here, then run the
study's blocking work (agents, sandbox, fsync) in Starlette's thread pool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from codeassist_env.study.core import Study, StudyError

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 1_000_000


async def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a StudyError naming what is wrong with it."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise StudyError(413, f"request body of {declared} bytes; the limit is {MAX_BODY_BYTES}")
    raw = b""
    async for chunk in request.stream():  # counted as it arrives: a missing or false length is no way round
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise StudyError(413, f"request body over {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except ValueError as error:  # not JSON, or not UTF-8
        raise StudyError(400, f"request body is not JSON: {error}") from None
    except RecursionError:
        raise StudyError(400, "request body is JSON nested too deep to read") from None
    if not isinstance(body, dict):
        raise StudyError(400, f"request body must be a JSON object, got a {type(body).__name__}")
    try:  # what the log could not store is refused here, before any state or record changes
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        raise StudyError(400, f"request body holds text that is not valid Unicode ({error.reason})") from None
    except RecursionError:
        raise StudyError(400, "request body is JSON nested too deep to read") from None
    return body


def create_app(study: Study) -> Starlette:
    async def index(request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def config(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "solo": study.config.solo,
                "pause_ms": study.config.pause_ms,
                "participant": "solo" if study.config.solo else None,
            }
        )

    async def state(request: Request) -> JSONResponse:
        return JSONResponse(await run_in_threadpool(study.view, request.query_params.get("participant")))

    def action(method: str, *fields: str):
        async def handle(request: Request) -> JSONResponse:
            body = await _body(request)
            args = [body.get(name) for name in fields]
            return JSONResponse(await run_in_threadpool(getattr(study, method), body.get("participant"), *args))

        return handle

    async def study_error(request: Request, error: Exception) -> JSONResponse:
        # Starlette types every handler for any Exception; this one is registered for StudyError only.
        return JSONResponse({"error": str(error)}, status_code=cast(StudyError, error).status)

    routes = [
        Route("/", index),
        Route("/api/config", config),
        Route("/api/state", state),
        Route("/api/join", action("join", "consent"), methods=["POST"]),
        Route("/api/suggest", action("suggest", "problem_id", "prefix", "code", "typed"), methods=["POST"]),
        Route(
            "/api/decision",
            action("decide", "problem_id", "suggestion_id", "decision", "how", "code", "typed"),
            methods=["POST"],
        ),
        Route("/api/run", action("run_public", "problem_id", "code", "typed"), methods=["POST"]),
        Route("/api/submit", action("submit", "problem_id", "code", "typed"), methods=["POST"]),
        Route("/api/prefer", action("prefer", "pair", "choice", "why"), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={StudyError: study_error})
