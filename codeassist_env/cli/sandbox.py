"""``codeassist sandbox build|status|clean``: build the Docker sandbox image; show which backends work here;
remove worker containers left behind by killed processes."""

from __future__ import annotations

import argparse
import sys

from codeassist_env.errors import MissingModule
from codeassist_env.sandbox import SANDBOX_BACKENDS, SandboxUnavailable, resolve_backend
from codeassist_env.sandbox.docker_backend import (
    DEFAULT_BASE,
    NO_DOCKER_SDK,
    build_context,
    build_image,
    clean_containers,
    default_image,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sandbox", help="build the Docker sandbox image, show available backends, clean up leftover containers"
    )
    actions = parser.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="build the sandbox image through the Docker daemon at DOCKER_HOST")
    build.add_argument(
        "--base",
        default=DEFAULT_BASE,
        metavar="IMAGE",
        help=f"base image with python3 >= 3.8 (default {DEFAULT_BASE}; no registry needed for a "
        f"local one such as .ci/base-image.sh makes)",
    )
    build.add_argument("--tag", default=None, help=f"image tag (default {default_image()})")
    build.add_argument(
        "--context",
        default=None,
        metavar="DIR",
        help="build context with the Dockerfile, e.g. an edited copy (default: the one installed with the package)",
    )
    build.add_argument(
        "--dry-run",
        action="store_true",
        help="print the build context, base and tag, and build nothing (needs no Docker)",
    )
    build.set_defaults(func=run_build)
    status = actions.add_parser("status", help="which backends work here and why not")
    status.set_defaults(func=run_status)
    clean = actions.add_parser("clean", help="remove worker containers whose owning process is gone")
    clean.set_defaults(func=run_clean)


def run_build(args: argparse.Namespace) -> int:
    context = build_context(args.context)
    if args.dry_run:
        print(f"would build {args.tag or default_image()} on {args.base} from {context / 'Dockerfile'}")
        return 0
    try:
        import docker
    except ImportError:
        raise MissingModule(NO_DOCKER_SDK) from None  # bad input (cli.errors): this machine lacks it
    try:
        tag = build_image(base=args.base, tag=args.tag, context=context)
    except docker.errors.BuildError as e:
        log = "".join(str(step.get("stream") or step.get("error") or "") for step in e.build_log)
        print(f"codeassist sandbox build: {e.msg}\n{log[-3000:]}", file=sys.stderr)
        return 1
    except docker.errors.DockerException as e:
        print(f"codeassist sandbox build: the Docker daemon failed: {e}", file=sys.stderr)
        return 1
    print(f"built {tag} on {args.base}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    for name in (backend.name for backend in SANDBOX_BACKENDS if backend.isolates):
        try:
            resolve_backend(name)
            print(f"{name}: available")
        except SandboxUnavailable as e:
            print(f"{name}: {e}")
    try:
        print(f"auto -> {resolve_backend('auto')}")
    except SandboxUnavailable as e:
        print(f"auto: {e}")
        return 1
    return 0


def run_clean(args: argparse.Namespace) -> int:
    try:
        removed = clean_containers()
    except Exception as e:  # no SDK, no daemon: say which
        print(f"codeassist sandbox clean: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(f"removed {len(removed)} leftover worker container(s)" + (": " + " ".join(removed) if removed else ""))
    return 0
