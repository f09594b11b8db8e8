"""The command-line options of the LM agents' backend (bench and study), and the library's
``BackendOptions`` they build."""

from __future__ import annotations

import argparse

from codeassist_env.agents.factories import BackendOptions
from codeassist_env.server_pool import join_urls


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """The CLI options of the LM agents' backend (read back with ``backend_options``)."""
    group = parser.add_argument_group("LM assistant backend")
    group.add_argument(
        "--agent-base-url",
        nargs="+",
        metavar="URL",
        help="OpenAI-compatible server(s) for the LM agents (vLLM or llama.cpp), e.g. "
        "http://127.0.0.1:8000/v1; several serving the same model share the requests "
        "(round-robin, a server that stops answering leaves the rotation until it answers; "
        "docs/scale.md); default: local transformers",
    )
    group.add_argument(
        "--agent-model",
        help="local: HF directory, .gguf file or 'smollm2' (default); "
        "served: the model name (default: the server's first model)",
    )
    group.add_argument("--agent-api-key", help="API key of --agent-base-url (default: $OPENAI_API_KEY)")
    group.add_argument("--agent-device", default="cpu", help="local transformers device (default: cpu)")
    group.add_argument(
        "--agent-prompt",
        choices=["raw", "chat", "prefill"],
        help="prompt mode (default: raw for trained adapters; for untrained models prefill, or chat "
        "for a served model whose tokenizer cannot be read here; chat is the paper's re-type prompt; "
        "prefill, the chat reply begun with the code, needs the chat template rendered here)",
    )
    group.add_argument("--agent-stop", help="stop string of sft/empower agents (default: the adapter's)")
    group.add_argument(
        "--agent-sees-problem",
        action="store_true",
        help="show the problem statement to the LM agents (the paper does not)",
    )
    group.add_argument(
        "--agent-unbatched",
        action="store_true",
        help="local transformers: run each call alone instead of batching the calls in flight together "
        "(slower; greedy tokens can differ at near-ties: docs/bench.md)",
    )


def backend_options(args: argparse.Namespace) -> BackendOptions:
    return BackendOptions(
        base_url=join_urls(args.agent_base_url),
        model=args.agent_model,
        api_key=args.agent_api_key,
        device=args.agent_device,
        prompt_mode=args.agent_prompt,
        stop=args.agent_stop,
        show_statement=args.agent_sees_problem,
        batched=not args.agent_unbatched,
    )
