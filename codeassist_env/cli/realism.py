"""``codeassist realism``: fit the calibrated programmer's model of what is worth taking on real decisions
(``fit``), measure what reading a suggestion costs real programmers against writing it (``times``),
replay real decisions to a simulated programmer (``replay``: cli/replay.py), and hold a programmer against
known answers (``known-answers build``, ``judge``: cli/realism_known.py). docs/realism.md shows the outputs."""

from __future__ import annotations

import argparse
from pathlib import Path

from codeassist_env.cli.real_log import REAL_HELP, real_log
from codeassist_env.files import write_whole
from codeassist_env.realism.logs import DecisionLogError, load_decisions


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "realism",
        help="fit and measure against real programmers' decisions",
        description="The simulated programmer against real programmers' decisions.",
    )
    sub = parser.add_subparsers(dest="realism_command", metavar="COMMAND", required=True)
    fit = sub.add_parser(
        "fit",
        help="fit the worth-taking model by maximum likelihood; cross-validate it",
        description="Fit expert-real's model of which correct suggestions are worth taking on "
        "real decisions, print its weights and a leave-participants-out "
        "cross-validation against a constant rate and length alone, and write "
        "the model (the shipped one is this command's output on the Copilot study).",
    )
    fit.add_argument("--real", metavar="PATH", help=REAL_HELP)
    fit.add_argument("--out", metavar="FILE", help="write the fitted model here (JSON)")
    fit.set_defaults(func=run_fit)
    times = sub.add_parser(
        "times",
        help="reading a suggestion against writing it, per character",
        description="Seconds per character real programmers spent verifying suggestions and "
        "writing code themselves (the Copilot study's labelled sessions), beside "
        "DPR's alpha/beta.",
    )
    times.add_argument("--real", metavar="PATH", help=REAL_HELP)
    times.set_defaults(func=run_times)
    from codeassist_env.cli import realism_known
    from codeassist_env.cli.replay import register_replay

    realism_known.register(sub)
    register_replay(sub)


def run_fit(args: argparse.Namespace) -> int:
    from codeassist_env.realism.worth import FEATURES, fit, leave_participants_out

    path = real_log(args.real)
    decisions = load_decisions(path)
    people = len({d.participant for d in decisions})
    if people < 2 or len({d.accepted for d in decisions}) < 2:
        raise DecisionLogError(
            f"{path}: {len(decisions)} decisions of {people} participant(s); fitting needs "
            "accepted and rejected decisions of at least 2 participants (leave-participants-out "
            "cross-validation holds one out)"
        )
    model = fit(decisions, path)
    names = ["intercept", *(name for name, _ in FEATURES[model.features])]
    print(
        f"{path.name}: {model.decisions} decisions, {model.accepted} accepted, "
        f"{len({d.participant for d in decisions})} participants"
    )
    terms = [f"{model.weights[0]:.4f}", *(f"{w:+.4f} * {n}" for w, n in zip(model.weights[1:], names[1:]))]
    print(f"P(worth taking | s) = sigmoid({' '.join(terms)})")
    print("\nleave-participants-out cross-validation (held-out decisions):")
    print("| features | log-loss (nats) | AUC within participant |\n|---|---|---|")
    for features in FEATURES:
        cv = leave_participants_out(decisions, features)
        print(f"| {features} | {cv.log_loss:.4f} | {cv.auc:.3f} |")
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_whole(out, model.to_json())
        print(f"\nwrote {args.out}")
    return 0


def run_times(args: argparse.Namespace) -> int:
    from codeassist_env.realism.timing import DPR_RATIO, reading_vs_writing

    path = real_log(args.real)
    result = reading_vs_writing(path)
    low, high = result.interval
    print(f"{path.name}: {result.participants} participants ({result.typing_participants} with typed text)")
    print(f"reading (verifying a suggestion): {result.reading_s_per_char:.3f} s per character")
    print(f"writing (new code, typed):        {result.writing_s_per_char:.3f} s per character")
    print(
        f"reading / writing: {result.ratio:.2f} [95% {low:.2f}, {high:.2f}, participants resampled]; "
        f"DPR's alpha / beta = {DPR_RATIO:.2f}"
    )
    return 0
