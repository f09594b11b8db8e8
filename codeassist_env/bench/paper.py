"""The paper's reported numbers (Ellis et al., "Training LLM Agents to Empower Humans", arXiv 2510.13709,
2025; docs/protocol.md §5), for side-by-side reports. They come from other models and other problems than a run of
this package, so reports always print them apart and labelled as the paper's."""

from __future__ import annotations

CITATION = "Ellis et al. 2025, arXiv 2510.13709"
SETUP = (
    "paper setup: simulated human Gemma-3-27B-it, LiveCodeBench v6 (554 problems), K_H = 10, 50 rounds; "
    "assistants Qwen3-8B, Llama-3.1-8B-Instruct, Qwen3-14B trained on 4,138 Codeforces solutions"
)

# Paper column -> assistant model -> (Pass@1, accept ratio, DPR), human Gemma-3-27B-it.
GEMMA_HUMAN: dict[str, dict[str, tuple[float, float, float]]] = {
    "Empower": {
        "Qwen3-8B": (0.178, 0.630, 0.156),
        "Llama-3.1-8B": (0.176, 0.670, 0.150),
        "Qwen3-14B": (0.170, 0.659, 0.148),
    },
    "SFT-20": {
        "Qwen3-8B": (0.086, 0.299, 0.072),
        "Llama-3.1-8B": (0.070, 0.231, 0.057),
        "Qwen3-14B": (0.088, 0.381, 0.077),
    },
    "SFT-10": {
        "Qwen3-8B": (0.101, 0.367, 0.086),
        "Llama-3.1-8B": (0.062, 0.268, 0.053),
        "Qwen3-14B": (0.101, 0.461, 0.088),
    },
    "Base-10": {
        "Qwen3-8B": (0.090, 0.582, 0.080),
        "Llama-3.1-8B": (0.064, 0.649, 0.057),
        "Qwen3-14B": (0.062, 0.530, 0.055),
    },
    "Base": {
        "Qwen3-8B": (0.092, 0.400, 0.083),
        "Llama-3.1-8B": (0.064, 0.383, 0.055),
        "Qwen3-14B": (0.086, 0.312, 0.077),
    },
}
ASSISTANTS = ("Qwen3-8B", "Llama-3.1-8B", "Qwen3-14B")

# Pass@1 with a Llama-3.3-70B human, Llama-3.1-8B assistant.
LLAMA70B_HUMAN_PASS: dict[str, float] = {
    "Empower": 0.282,
    "SFT-20": 0.097,
    "SFT-10": 0.104,
    "SFT-RAND": 0.112,
    "Base": 0.170,
}

USER_STUDY = (
    "user study (18 people, Llama-3.1-8B): Empower (eta = 4) vs Base-20 preferred 78% (p = 0.015); "
    "acceptance 8.08% vs 6.18%; 38% fewer suggestions; 43.6 vs 82.2 characters per suggestion"
)


def paper_column(agent: str) -> str | None:
    """The paper's column for one of our agent names (``empower``, ``empower:PATH``, ``sft-10``,
    ``sft-20:PATH``, ``base-10``, ``base``); None when the paper has no such agent (``none``, ``oracle-N``,
    ``empower-infer:ETA``, other caps)."""
    head = agent.split(":", 1)[0]
    if head == "empower":
        return "Empower"
    if head in ("sft-10", "sft-20", "base-10"):
        return head.upper() if head.startswith("sft") else "Base-10"
    if head == "base":
        return "Base"
    return None
