"""Every section citation in the repository resolves: "docs/protocol.md §N" must name a numbered heading
of docs/protocol.md, and nothing may point at a contract file outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROTOCOL = REPO / "docs" / "protocol.md"
# Build outputs, caches and run results (see .gitignore): not the project's text.
SKIP_DIRS = {".git", ".pytest_cache", ".benchmarks", ".venv", "__pycache__", "build", "dist", "runs", "bench-out"}
MAX_BYTES = 1_000_000  # larger files are data (problem sets, adapter weights), not prose or code
SECTION = r"§\d+(?:\.\d+)*"
# "protocol.md §2", and the sections that follow it in a list: "protocol.md §2 and §3", "§4, §5".
CITATION = re.compile(rf"protocol\.md\s+({SECTION}(?:(?:,\s*|\s+and\s+|\s+or\s+){SECTION})*)")
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)*)\.? ", re.MULTILINE)
# A file outside the repository cannot be followed by a reader of the repository.
OUTSIDE = ("SPEC §", "SPEC.md", "../shared")


def text_files() -> list[Path]:
    files = []
    for path in sorted(REPO.rglob("*")):
        relative = path.relative_to(REPO)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in relative.parts[:-1]):
            continue
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        files.append(path)
    return files


def sections() -> set[str]:
    return set(HEADING.findall(PROTOCOL.read_text(encoding="utf-8")))


def citations(text: str) -> list[str]:
    """The section numbers cited in ``text`` as docs/protocol.md sections."""
    return [number for group in CITATION.findall(text) for number in re.findall(r"§(\d+(?:\.\d+)*)", group)]


def test_protocol_numbers_its_sections_like_the_citations_expect():
    assert {str(n) for n in range(1, 9)} <= sections(), "docs/protocol.md needs sections 1..8"


def test_citation_parser_reads_lists_and_subsections():
    text = "see docs/protocol.md §2 and §3, docs/protocol.md §4.1 step 2; §9 alone is not a citation"
    assert citations(text) == ["2", "3", "4.1"]


def test_every_protocol_citation_names_an_existing_section():
    known = sections()
    dangling = []
    cited = 0
    for path in text_files():
        text = path.read_text(encoding="utf-8")
        numbers = citations(text)
        if path == PROTOCOL:  # its own cross-references are written "§3.2", without the file name
            numbers += re.findall(r"§(\d+(?:\.\d+)*)", text)
        cited += len(numbers)
        dangling += [f"{path.relative_to(REPO)}: §{n}" for n in numbers if n not in known]
    assert cited > 20, f"found only {cited} citations: is the scan looking at the repository?"
    assert not dangling, f"citations of sections docs/protocol.md does not have: {dangling}"


@pytest.mark.parametrize("needle", OUTSIDE)
def test_nothing_refers_to_a_file_outside_the_repository(needle):
    this_file = Path(__file__).resolve()
    found = [
        str(path.relative_to(REPO))
        for path in text_files()
        if path != this_file and needle in path.read_text(encoding="utf-8")
    ]
    assert not found, f"{needle!r} refers outside the repository (cite docs/protocol.md §N instead): {found}"


def test_the_readme_describes_the_main_job_the_cli_runs():
    """The README's first screen says which problems and assistants `codeassist bench` runs by default:
    it must name the embedded defaults, not the ones of an earlier release."""
    from codeassist_env.bench.main_job import AGENTS as MAIN_AGENTS
    from codeassist_env.protocol import MAX_ROUNDS
    from codeassist_env.problems import default_set, default_split, load_problems

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_screen = " ".join(readme[: readme.index("## ")].split())
    test_split = load_problems(default_set(), default_split(default_set()))
    assert f"all {len(test_split)} problems of the bundled" in first_screen
    assert f"{MAX_ROUNDS} rounds" in first_screen
    for agent in MAIN_AGENTS:
        assert f"`{agent}`" in first_screen, agent


def _words_of(vocabulary: str) -> set[str]:
    """The words of a closed vocabulary, given as ``module:Enum``."""
    import importlib

    module, name = vocabulary.split(":")
    return {str(member.value) for member in getattr(importlib.import_module(module), name)}


@pytest.mark.parametrize(
    "row, vocabulary",
    [
        ("test status", "codeassist_env.sandbox.result:TestStatus"),
        ("run status", "codeassist_env.sandbox.result:RunStatus"),
        ("episode status", "codeassist_env.episode:EpisodeStatus"),
    ],
)
def test_the_glossary_names_the_statuses_the_code_defines(row, vocabulary):
    glossary = PROTOCOL.read_text(encoding="utf-8").split("## 9. Glossary", 1)[1]
    cells = re.search(rf"^\| \*\*{row}\*\* \| (.+?) \|", glossary, re.MULTILINE)
    assert cells, f"the glossary of docs/protocol.md has no row for {row!r}"
    assert set(re.findall(r"`(\w+)`", cells.group(1))) == _words_of(vocabulary)


def test_the_glossary_has_a_row_for_every_programmer_the_registry_builds():
    from codeassist_env.humans import HUMANS

    glossary = PROTOCOL.read_text(encoding="utf-8").split("## 9. Glossary", 1)[1]
    rows = set(re.findall(r"^\| \*\*([^*]+)\*\*", glossary, re.MULTILINE))
    missing = [name for name in HUMANS.names() if name not in rows]
    assert not missing, f"the glossary of docs/protocol.md has no row for the programmer(s) {missing}"
