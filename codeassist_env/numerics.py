"""What decides the bits of a local model's numbers on a CPU, pinned where it can be and recorded where it cannot.

The local engine's logits come from torch's CPU kernels: matrix products from oneMKL (torch's BLAS on x86),
the rest (norms, softmax, attention, element-wise) from ATen's own vectorised kernels. Both pick their
instructions at run time from the CPU. On a Xeon with AVX-512, oneMKL's AVX-512 matrix products give a row
other bits when the number of rows changes, so a request decoded beside others (``agents.batched_decoding``)
came out different in the last bits from the same request alone; on an AMD EPYC, which oneMKL serves with its
generic x86 path, it did not. Capping oneMKL at AVX2 (``MKL_ENABLE_INSTRUCTIONS=AVX2``) made the Xeon agree.

So importing the package sets, unless the user already set them:

- ``MKL_ENABLE_INSTRUCTIONS=AVX2``: oneMKL's kernels no wider than AVX2;
- ``ATEN_CPU_CAPABILITY=avx2``: ATen's kernels no wider than AVX2, the widest an AMD EPYC of today offers,
  so that two machines run the same element-wise code.

Both are read when the library first dispatches, which is after ``import codeassist_env`` whenever the package
is imported before torch does its first matrix product (the CLI and the tests always do). A user who sets
either variable keeps their value. :func:`numerics_facts` records what the process really runs, asked of the
libraries themselves, in every run of a local model (``run.json``), and ``--resume`` warns when it differs.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from typing import Any

from codeassist_env.machine import cpu_flags, cpu_model

PINNED = {"MKL_ENABLE_INSTRUCTIONS": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"}
# The CPU flags that change which kernels the libraries choose.
FLAGS_THAT_MATTER = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile", "amx_bf16", "amx_int8")
_MKL_HEADER = re.compile(r"MKL_VERBOSE (?P<version>.*?) for Intel\(R\) 64 architecture (?P<isa>.*?) processors")
_MKL_CNR = re.compile(r"CNR:(\S+)")
_probed: dict[str, str | None] | None = None


def pin_instruction_sets() -> None:
    """Set :data:`PINNED`'s variables that the environment does not already set (see the module docstring)."""
    for name, value in PINNED.items():
        os.environ.setdefault(name, value)


def _mkl_dispatch() -> dict[str, str | None]:
    """oneMKL's own word on what it runs: its verbose mode's first line names the instruction set it
    dispatched to, and each call line its reproducibility (CNR) mode. oneMKL writes them to file
    descriptor 1, and the first line only once per process, so the answer is kept."""
    global _probed
    if _probed is not None:
        return _probed
    import torch

    _probed = {"isa": None, "version": None, "cnr": None}
    if not torch.backends.mkl.is_available():
        return _probed
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 1)
        try:
            with torch.backends.mkl.verbose(torch.backends.mkl.VERBOSE_ON):
                torch.mm(torch.ones(4, 4), torch.ones(4, 4))
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        captured.seek(0)
        text = captured.read().decode("utf-8", "replace")
    header, cnr = _MKL_HEADER.search(text), _MKL_CNR.search(text)
    if header:
        _probed.update(isa=header["isa"], version=header["version"])
    if cnr:
        _probed["cnr"] = cnr.group(1)
    return _probed


def numerics_facts() -> dict[str, Any]:
    """The CPU, the math library and its instruction set, torch's kernel capability and threads: what decides
    the bits of a local model's numbers in this process. Imports torch."""
    import torch

    flags = cpu_flags()
    mkl = _mkl_dispatch()
    return {
        "cpu_model": cpu_model(),
        "cpu_flags": [flag for flag in FLAGS_THAT_MATTER if flag in flags],
        "torch": torch.__version__,
        "torch_capability": torch.backends.cpu.get_cpu_capability(),
        "torch_threads": torch.get_num_threads(),
        "math_library": mkl["version"] or ("oneMKL" if torch.backends.mkl.is_available() else "none"),
        "mkl_instructions": mkl["isa"],
        "mkl_cnr": mkl["cnr"],
        "environment": {name: os.environ.get(name) for name in PINNED},
    }


def numerics_differences(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """``key: before -> now`` for every fact that differs, the thread count included."""
    return [
        f"{key}: {before.get(key)!r} -> {now.get(key)!r}"
        for key in sorted(set(before) | set(now))
        if before.get(key) != now.get(key)
    ]
