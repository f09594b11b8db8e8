"""``codeassist realism replay``: real programmers' decisions replayed to a simulated programmer, its
decisions held against theirs (docs/realism.md, docs/llm_human.md "Validate your programmer").

    codeassist realism replay --human llm --base-url http://127.0.0.1:8000/v1 --model smollm2 --out runs/replay
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from codeassist_env.cli.errors import at_least
from codeassist_env.cli.programmer_options import (
    CACHE_FILE,
    add_programmer_arguments,
    build_programmer,
    programmer_words,
)
from codeassist_env.cli.real_log import REAL_HELP, real_log
from codeassist_env.errors import InputError


def register_replay(sub: argparse._SubParsersAction) -> None:
    from codeassist_env.realism.agreement import CLUSTER_RESAMPLES

    replay = sub.add_parser(
        "replay",
        help="replay real decisions to a simulated programmer; agreement with the people",
        description="Show each real decision of a log to a simulated programmer as the person saw it (the file "
        "before the cursor and the suggestion; no problem statement exists) and hold its decisions "
        "against theirs: acceptance by length beside the real curve, balanced accuracy, Cohen's "
        "kappa and the AUC of its P(accept), with 95%% intervals from resampling participants. "
        "Writes DIR/replay.md, replay.csv, replay.png and replay.json. Requests go through the "
        "response cache (default: record into DIR/%s), so an interrupted replay resumes and a "
        "recorded one reruns offline with --cache replay." % CACHE_FILE,
    )
    add_programmer_arguments(
        replay,
        "the programmer: llm, llm-MODEL, or any registered one that judges without a "
        "problem's reference (the expert family and reference are refused)",
    )
    replay.add_argument("--real", metavar="PATH", help=REAL_HELP)
    replay.add_argument(
        "--limit",
        type=at_least(1),
        metavar="N",
        help="replay a stratified subset of N decisions (by length bucket and participant)",
    )
    replay.add_argument("--seed", type=int, default=0, help="the subset's draw (default 0)")
    replay.add_argument(
        "--resamples",
        type=at_least(1),
        default=CLUSTER_RESAMPLES,
        help=f"participant resamples per interval (default {CLUSTER_RESAMPLES})",
    )
    replay.add_argument("--out", required=True, metavar="DIR", help="where the report goes")
    replay.set_defaults(func=run_replay)


def _build_human(args: argparse.Namespace, out: Path):
    """(the programmer, its served model or None, its acceptor mode or None); bad input raises InputError."""
    from codeassist_env.humans import HUMANS

    kind, _ = HUMANS.parse(args.human)
    if kind.needs_reference:
        raise InputError(
            f"--human {args.human}: this programmer judges suggestions against a problem's reference, "
            "and a real programmer's file has none; replay an llm programmer (or one of your own)"
        )
    human = build_programmer(args, out)
    if kind.served_model is None:
        return human, None, None
    return human, human.config.model, human.config.acceptor_mode


def _command(args: argparse.Namespace) -> str:
    """The command line that reruns this replay (the options given, defaults left out)."""
    from codeassist_env.realism.agreement import CLUSTER_RESAMPLES

    words = ["codeassist", "realism", "replay", *programmer_words(args)]
    for option, value, default in (
        ("--real", args.real, None),
        ("--limit", args.limit, None),
        ("--seed", args.seed, 0),
        ("--resamples", args.resamples, CLUSTER_RESAMPLES),
        ("--out", args.out, None),
    ):
        if value is not None and value != default:
            words += [option, str(value)]
    return " ".join(shlex.quote(w) for w in words)


def run_replay(args: argparse.Namespace) -> int:
    from codeassist_env.humans.cache import CacheMiss
    from codeassist_env.realism.logs import load_decisions
    from codeassist_env.realism.replay import figures, replay, stratified_subset
    from codeassist_env.realism.replay_report import ReplaySetup, write

    out = Path(args.out)
    path = real_log(args.real)
    decisions = load_decisions(path)  # a bad log is refused before anything is asked or written
    human, model, mode = _build_human(args, out)
    indices = stratified_subset(decisions, args.limit, args.seed)
    print(
        f"replaying {len(indices)} of {len(decisions)} decisions of {path.name} to {args.human}"
        + (f" ({model}, {mode})" if model else ""),
        file=sys.stderr,
    )
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        if not args.no_progress and (done % 5 == 0 or done == total):
            print(f"  {done}/{total} decisions, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)

    try:
        replayed, cost = replay(decisions, indices, human, progress)
    except CacheMiss as miss:  # the recorded cache is not this replay's: bad input, like a wrong file
        raise InputError(f"--cache replay: {miss}; record it first (--cache record)") from None
    finally:
        getattr(human, "close", lambda: None)()
    cost.wall_s = time.monotonic() - started
    result = figures(replayed, args.resamples, args.seed)
    setup = ReplaySetup(args.human, model, mode, path, len(decisions), args.limit, _command(args), args.resamples)
    paths = write(out, setup, replayed, result, cost)
    print(Path(paths["md"]).read_text(encoding="utf-8"))
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0
