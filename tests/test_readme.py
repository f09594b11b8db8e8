"""What the README, as the front page, guarantees: the two set-up commands on the first screen, an example of
the environment in the first 40 lines that runs, a table of commands that is the command line's, and links
(the README's and every docs page's) that lead somewhere. Facts and numbers live in docs/, pinned there."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)")
EXAMPLE_WITHIN_LINES = 40


def readme() -> str:
    return README.read_text(encoding="utf-8")


def blocks(text: str) -> list[tuple[str, str, int]]:
    """Fenced code blocks: (language, body, line number of the closing fence)."""
    return [(m.group(1), m.group(2), text.count("\n", 0, m.end()) + 1) for m in FENCE.finditer(text)]


def test_the_first_screen_holds_exactly_the_two_set_up_commands():
    text = readme()
    first_screen = text[: text.index("\n## ")]
    language, body, _ = blocks(text)[0]
    assert body in first_screen and language == "bash"
    commands = [line for line in body.splitlines() if line.strip()]
    assert len(commands) == 2, commands
    main_job, tests = commands
    assert re.search(r"&& codeassist bench\s+# the main job$", main_job), main_job
    assert re.match(r"bash \.ci/run\s+# the tests$", tests), tests
    assert (REPO / ".ci" / "run").is_file()


def test_an_example_of_the_environment_ends_within_the_first_40_lines():
    python = [(body, end) for language, body, end in blocks(readme()) if language == "python"]
    assert python, "the README has no Python example"
    body, end = python[0]
    assert end <= EXAMPLE_WITHIN_LINES, f"the first Python example ends on line {end}"
    assert 'gym.make("CodeAssist-v0"' in body and "env.step(" in body


@pytest.mark.bwrap
def test_the_readme_example_runs():
    body = next(body for language, body, _ in blocks(readme()) if language == "python")
    done = subprocess.run([sys.executable, "-c", body], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    # passed, dpr, accept_ratio, tokens_read, tokens_written: the oracle feeds the reference human its own text.
    passed, dpr, accept_ratio, read, written = done.stdout.split()
    assert passed == "True" and accept_ratio == "1.0", done.stdout
    assert 0 < float(dpr) <= 1 and int(read) > 0 and int(written) > 0, done.stdout


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, set[str]]:
    """Each command of ``parser`` with the names of its own subcommands (empty when it has none)."""

    def children(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        return next((dict(a.choices) for a in p._actions if isinstance(a, argparse._SubParsersAction)), {})

    return {name: set(children(command)) for name, command in children(parser).items()}


def test_the_command_table_is_the_command_line():
    from codeassist_env.cli import build_parser

    rows = re.findall(r"^\| `codeassist ([\w-]+)((?: [\w-]+(?:\\\|[\w-]+)*)?)` \| (.+) \|$", readme(), re.MULTILINE)
    table = {name: set(actions.strip().split("\\|")) - {""} for name, actions, _ in rows}
    assert len(rows) == len(table), "a command is listed twice"
    assert all(help_text.strip() for _, _, help_text in rows)
    assert table == _subcommands(build_parser())


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but '-' dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def _pages() -> list[Path]:
    return [README, *sorted((REPO / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", _pages(), ids=lambda page: str(page.relative_to(REPO)))
def test_every_link_leads_somewhere(page):
    broken = []
    for target in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(target)
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(target)
    assert not broken, f"{page.relative_to(REPO)} links to what is not there: {broken}"


def test_the_readme_links_every_docs_page():
    linked = {(REPO / target.partition("#")[0]).resolve() for target in LINK.findall(readme())}
    unlinked = [page.name for page in sorted((REPO / "docs").glob("*.md")) if page.resolve() not in linked]
    assert not unlinked, f"docs pages the front page does not lead to: {unlinked}"
