"""Files written whole or not at all (codeassist_env/files.py)."""

from __future__ import annotations

import pytest

from codeassist_env.files import replaced_whole, write_whole


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "run.json"
    path.write_text("old")
    assert write_whole(path, "new\n") == path and path.read_text() == "new\n"
    write_whole(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes" and [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_a_writer_that_fails_leaves_the_old_file_as_it_was(tmp_path):
    path = tmp_path / "report.md"
    path.write_text("the old report")
    with pytest.raises(RuntimeError):
        with replaced_whole(path) as temporary:
            temporary.write_text("half of a new")
            raise RuntimeError("the writer failed")
    assert path.read_text() == "the old report" and [p.name for p in tmp_path.iterdir()] == ["report.md"]
