"""Time from a typing pause to ghost text on the study page, in headless Chromium, with a real assistant.

    python benchmarks/bench_study_latency.py [--agent base-10] [--trials 30] [--pause-ms 600]
                                             [--threads 1] [--screenshot docs/study_ghost_text.png]

Runs ``codeassist study try --agent AGENT`` and, for each trial, puts the editor at a cut of a
reference solution (cuts spread over the first problems, where the next three characters are on one
line), then types those three characters as keystrokes. The page measures, with ``performance.now()``,
from the last keydown to the moment the ghost-text element is in the document. It prints the median
and p95 of that time, and of the same time less the typing pause (the assistant, the server and the
page); trials where the assistant suggested nothing (no ghost within the timeout) are counted apart.
The first trial loads the model and is not timed. ``--screenshot`` saves the page at the first
ghost text of at least 20 characters.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from codeassist_env.humans.reference import reference_program
from codeassist_env.problems import load_problems
from codeassist_env.study.driver import PageParticipant, chrome, start_server

WATCH = """
window.__lastKey = null; window.__ghostAt = null;
document.addEventListener('keydown', () => { window.__lastKey = performance.now(); }, true);
new MutationObserver(() => {
  if (window.__ghostAt === null && document.querySelector('.cm-ghost')) window.__ghostAt = performance.now();
}).observe(document.getElementById('editor'), {childList: true, subtree: true});
"""


def cuts(problems, trials: int) -> list[tuple[str, int]]:
    """(problem id, cut) pairs: a few per problem, at fractions of the program, next 3 chars on one line."""
    chosen = []
    per_problem = 3
    for problem in problems:
        program = reference_program(problem)
        for fraction in (0.2, 0.45, 0.7)[:per_problem]:
            cut = int(len(program) * fraction)
            while cut < len(program) - 3 and "\n" in program[cut : cut + 3]:
                cut += 1
            chosen.append((problem.id, cut))
        if len(chosen) >= trials + 1:
            break
    return chosen[: trials + 1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agent", default="base-10")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--pause-ms", type=int, default=600)
    parser.add_argument("--threads", default="1", help="torch threads of the server (OMP_NUM_THREADS)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for ghost text")
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args()

    problems = {p.id: p for p in load_problems("codeassist-core")}
    plan = cuts(list(problems.values()), args.trials)
    out = Path(tempfile.mkdtemp(prefix="study-latency-"))
    totals, empty, shot = [], 0, args.screenshot is None
    with (
        start_server(
            [
                "study",
                "try",
                "--agent",
                args.agent,
                "--out",
                str(out),
                "--port",
                "0",
                "--sandbox",
                "auto",
                "--pause-ms",
                str(args.pause_ms),
                "--suggest-timeout",
                str(args.timeout),
            ],
            env={"OMP_NUM_THREADS": args.threads},
            timeout=300,
        ) as server,
        chrome(1280, 1100) as browser,
    ):
        person = PageParticipant(browser, server.url)
        person.open()
        browser.execute_script(WATCH)
        for trial, (problem_id, cut) in enumerate(plan):
            program = reference_program(problems[problem_id])
            while person.problem_id() != problem_id:  # move through the set in order (solo mode: no skipping)
                person.idle()
                person.submit()
            person.idle()
            browser.execute_script(
                "if (ghost) clearGhost(); editor.setValue(arguments[0]);"
                "editor.setCursor(editor.posFromIndex(arguments[0].length));"
                "window.__ghostAt = null; window.__lastKey = null;",
                program[:cut],
            )
            person.driver.switch_to.active_element.send_keys(program[cut : cut + 3])
            deadline = time.monotonic() + args.timeout + args.pause_ms / 1000
            while time.monotonic() < deadline and browser.execute_script("return window.__ghostAt") is None:
                time.sleep(0.01)
            ghost_at, last_key = browser.execute_script("return [window.__ghostAt, window.__lastKey]")
            if trial == 0:
                continue  # the model loads on the first request
            if ghost_at is None:
                empty += 1
            else:
                totals.append((ghost_at - last_key) / 1000)
                if not shot and len(person.ghost() or "") >= 20:
                    browser.execute_script(
                        "document.getElementById('statement').scrollTop = 0;"
                        "editor.scrollIntoView(editor.getCursor(), 120)"
                    )
                    browser.save_screenshot(str(args.screenshot))
                    shot = True
            person.press("\ue00c")  # Esc: reject, so the next trial starts clean
    if not totals:
        print(f"{args.agent}: no ghost text in {args.trials} trials", file=sys.stderr)
        return 1
    pause = args.pause_ms / 1000
    print(f"agent {args.agent}, pause {args.pause_ms} ms, {len(totals)} suggestions shown, {empty} trials without one")
    print(
        f"keystroke pause -> ghost text: median {statistics.median(totals):.3f} s, p95 {percentile(totals, 0.95):.3f} s"
    )
    print(
        f"  less the pause (assistant + server + page): median {statistics.median(totals) - pause:.3f} s, "
        f"p95 {percentile(totals, 0.95) - pause:.3f} s"
    )
    if args.screenshot and not shot:
        print("no ghost text of 20+ characters to take a screenshot of", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
