"""Prompt modes of the assistant agents and the post-processing of their suggestions.

- **raw**: the prompt is the code so far and the model simply continues it (base models and the
  Empower/SFT adapters, which are trained on exactly that: code prefix -> target + stop).
- **chat** (re-type): an instruct model is asked to re-type the code exactly and continue it, as in
  the paper; the suggestion is what the reply adds after the code. See :func:`locate_continuation`
  for the alignment rule used when the model does not re-type the code exactly.
- **prefill**: a chat request to continue the code, whose reply is started for the model with the
  code block already written (the chat template is rendered locally and the code appended), so the
  model only continues. Not in the paper: it avoids re-typing, which small models such as
  SmolLM2-135M fail at on longer code (and which costs as many tokens as the code). The request
  itself does not quote the code: the code then sits once, at the end of the prompt, so each round's
  prompt extends the last one and the backend's prompt cache encodes only what the programmer added.

By default the assistant sees only the code (as in the paper). With ``show_statement`` the problem
statement is added: as a leading comment block in raw mode, as a separate section in chat mode.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from codeassist_env.agents.lm import Message

PROMPT_MODES = ("raw", "chat", "prefill")

# One user message (the chat template's default system prompt stays): SmolLM2-135M-Instruct then
# answers with the code block first more often than with a system prompt of ours.
RETYPE_INSTRUCTIONS = (
    "Re-type this Python code exactly, character for character, and continue it "
    "with the code that most likely comes next. Reply with only a code block."
)

# The prefill request: the code follows in the (prefilled) reply, not in the request.
CONTINUE_INSTRUCTIONS = (
    "Write the Python code that most likely comes next, continuing the code block "
    "of your reply. Reply with only a code block."
)

# The alignment rule accepts a reply that reproduces at least this share of the code's characters.
MIN_ALIGNED_SHARE = 0.9

_OPENING_FENCE = re.compile(r"^[ \t]*```[A-Za-z0-9_+-]*[ \t]*\n", re.MULTILINE)
_FENCE = "```"
# A prose line: starts at column 0 with a capitalised word followed by at least three more words,
# and has none of the characters that make it code.
_PROSE_LINE = re.compile(r"^[A-Z][a-z]+(?:[ ,]+[A-Za-z'`.]+){3,}")
_CODE_CHARS = set("=()[]{}#:\"")


def raw_prompt(code: str, statement: str = "") -> str:
    if not statement:
        return code
    commented = "\n".join(f"# {line}".rstrip() for line in statement.strip().splitlines())
    return f"# Problem:\n{commented}\n\n{code}"


def retype_messages(code: str, statement: str = "") -> list[Message]:
    task = f"The problem the code solves:\n{statement.strip()}\n\n" if statement else ""
    return [{"role": "user", "content": f"{task}{RETYPE_INSTRUCTIONS}\n```python\n{code}\n```"}]


def continue_messages(statement: str = "") -> list[Message]:
    """The prefill mode's request (the code itself goes into the reply, see :func:`prefill_prompt`)."""
    task = f"The problem the code solves:\n{statement.strip()}\n\n" if statement else ""
    return [{"role": "user", "content": f"{task}{CONTINUE_INSTRUCTIONS}"}]


def prefill_prompt(rendered_chat: str, code: str) -> str:
    """``rendered_chat``: the :func:`continue_messages` request rendered by the model's chat template
    up to the start of the assistant's reply; the reply is then begun with the opened code block and
    the code."""
    return f"{rendered_chat}```python\n{code}"


@dataclass(frozen=True)
class Continuation:
    """Where the suggestion starts in a chat reply.

    ``start``: character offset in the reply (``None`` = no usable continuation); ``aligned``:
    the model did not re-type the code exactly and the alignment rule located the start;
    ``share``: the share of the code's characters the reply reproduced."""

    start: int | None
    aligned: bool
    share: float


def locate_continuation(reply: str, code: str, min_share: float = MIN_ALIGNED_SHARE) -> Continuation:
    """Find where a chat reply's continuation of ``code`` starts.

    1. The reply's code starts after its first opening code fence (```` ```python ````), if any:
       text before it (e.g. "Here is the code:") is skipped.
    2. If the reply (or its code) starts with the code exactly, the continuation starts right after it.
    3. Otherwise (alignment rule) the code is aligned against the reply with
       ``difflib.SequenceMatcher`` (no junk heuristic). If the matching blocks cover at least
       ``min_share`` of the code's characters, the continuation starts in the reply right after the
       last matched character of the code; else the model did not re-type the code and there is no
       continuation (``start=None``).
    """
    if code and reply.startswith(code):  # re-typed without a code block
        return Continuation(len(code), aligned=False, share=1.0)
    fence = _OPENING_FENCE.search(reply)
    body_start = fence.end() if fence else 0
    body = reply[body_start:]
    if body.startswith(code):
        return Continuation(body_start + len(code), aligned=False, share=1.0)
    if not code:
        return Continuation(body_start, aligned=False, share=1.0)
    matcher = difflib.SequenceMatcher(None, code, body, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    share = sum(b.size for b in blocks) / len(code)
    if not blocks or share < min_share:
        return Continuation(None, aligned=True, share=share)
    last = blocks[-1]
    return Continuation(body_start + last.b + last.size, aligned=True, share=share)


def clean_suggestion(text: str) -> str:
    """Cut a suggestion before the first code fence (the model closing its code block) and before
    the first line of prose (the model drifting into explanations)."""
    fence = text.find(_FENCE)
    if fence != -1:
        text = text[:fence]
    position = 0
    for line in text.splitlines(keepends=True):
        if _PROSE_LINE.match(line) and not _CODE_CHARS & set(line.rstrip().rstrip(".:")):
            return text[:position]
        position += len(line)
    return text
