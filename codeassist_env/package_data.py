"""The package's own files (``codeassist_env/data/``: the bundled problem set, the sandbox image's build
context, the Copilot study's decisions, EvalPlus's releases, the shipped adapters), found through
``importlib.resources``: the same lookup for a wheel in a venv, ``--user``, ``--prefix``, a system install,
an editable install or a checkout on ``PYTHONPATH``. ``data/README.md`` says where each file comes from."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_path(*parts: str) -> Path:
    """``codeassist_env/data/<parts...>`` of the imported package, as a file-system path (pip installs a
    package as files, never as a zip, so its resources always have one)."""
    return Path(str(files("codeassist_env").joinpath("data", *parts)))
