"""The options that name and configure the programmer of ``codeassist realism replay`` and ``judge``, registered
once for both, and the programmer they build: the same flags reach an LLM programmer on any OpenAI-compatible
endpoint in either command (docs/llm_human.md, "Validate your programmer")."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from codeassist_env.errors import InputError

CACHE_FILE = "human-cache.sqlite"


def add_programmer_arguments(parser: argparse.ArgumentParser, human_help: str) -> None:
    from codeassist_env.cli.errors import at_least, registered
    from codeassist_env.humans import HUMANS
    from codeassist_env.humans.cache import CACHE_MODES
    from codeassist_env.humans.llm import ACCEPTOR_MODES

    parser.add_argument("--human", required=True, type=registered(HUMANS), help=human_help)
    parser.add_argument(
        "--base-url",
        nargs="+",
        metavar="URL",
        help="llm: OpenAI-compatible endpoint(s) (default: $CODEASSIST_HUMAN_BASE_URL, "
        "$OPENAI_BASE_URL, then http://127.0.0.1:8000/v1)",
    )
    parser.add_argument("--model", help="llm: the served model (default: $CODEASSIST_HUMAN_MODEL, then smollm2)")
    parser.add_argument(
        "--acceptor-mode",
        choices=ACCEPTOR_MODES,
        help="llm: reasoning and decision in two requests or one (default: "
        "$CODEASSIST_HUMAN_ACCEPTOR_MODE, then two_requests)",
    )
    parser.add_argument(
        "--score-samples",
        type=at_least(1),
        metavar="N",
        help="llm: where the endpoint returns no log-probabilities, P(accept) is ACCEPT's share "
        "over N seeded samples of the decision request (default 5)",
    )
    parser.add_argument(
        "--cache",
        choices=CACHE_MODES,
        default="record",
        help="llm: response cache mode (default record; replay = offline, from the cache only)",
    )
    parser.add_argument("--cache-path", metavar="FILE", help=f"llm: the cache file (default DIR/{CACHE_FILE})")
    parser.add_argument("--no-progress", action="store_true", help="no progress lines or bars")


def base_url(args: argparse.Namespace) -> str | None:
    """The endpoints as the library takes them (comma-separated); a comma-separated word is kept as given."""
    return ",".join(args.base_url) if args.base_url else None


def programmer_words(args: argparse.Namespace) -> list[str]:
    """The programmer's options as given (defaults left out), for the command line a report quotes."""
    words = ["--human", args.human]
    if args.base_url:
        words += ["--base-url", *args.base_url]
    for option in ("model", "acceptor_mode", "score_samples", "cache_path"):
        if getattr(args, option) is not None:
            words += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    if args.cache != "record":
        words += ["--cache", args.cache]
    return words


def build_programmer(args: argparse.Namespace, out: Path, **options: Any) -> Any:
    """The programmer named by ``--human``. For a served one, the endpoint must answer (or, with ``--cache replay``,
    the cache file must exist) before anything is written: bad input is refused with nothing left behind.
    ``options`` go to the builder (``sandbox`` for the expert family)."""
    from codeassist_env.humans import HUMANS, make_human

    kind, _ = HUMANS.parse(args.human)
    if kind.served_model is None:
        return make_human(args.human, **options)
    cache_path = str(Path(args.cache_path or out / CACHE_FILE).resolve())
    if args.cache == "replay":
        if not Path(cache_path).is_file():
            raise InputError(f"--cache replay: no response cache at {cache_path} (record one first)")
    else:
        from codeassist_env.humans.llm import LLMHumanConfig
        from codeassist_env.realism.programmer import check_endpoint

        endpoint = LLMHumanConfig.from_env(base_url=base_url(args))
        check_endpoint(endpoint.base_url, endpoint.api_key)
    return make_human(
        args.human,
        base_url=base_url(args),
        model=args.model,
        cache_mode=args.cache,
        cache_path=cache_path,
        acceptor_mode=args.acceptor_mode,
        score_samples=args.score_samples,
        **options,
    )
