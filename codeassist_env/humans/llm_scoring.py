"""How sure an LLM programmer is of ACCEPT: a score per decision, for the AUC of its decisions.

Two ways, said by ``SCORE_KINDS``:

- ``logprobs``: from the decision token's alternatives, when the endpoint returns log-probabilities
  (OpenAI's ``logprobs`` / ``top_logprobs``, which llama.cpp's and vLLM's servers also answer).
  The decision token is the first token of the first decision word in the reply ("ACCEPT", "rejected",
  "Finish", ...) after its last "DECISION:" label, if it has one. Among that position's alternatives,
  those that begin a decision word are summed per decision, and the score is
  P(accept) / (P(accept) + P(reject) + P(finish)) over them. Small models answer in prose ("The code is
  rejected because..."); the position is where they chose between the words;
- ``samples``: where the endpoint gives no log-probabilities, the share of ACCEPT over n seeded samples of
  the decision request (temperature above 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import cast

from codeassist_env.humans.base import Choice

SCORE_KINDS: tuple[str, ...] = ("logprobs", "samples")

# A token whose letters begin one of these words counts for its decision: two letters at least ("re" is
# reject's), or one capital letter ("A" of "ACCEPT" split by the tokenizer; a lower-case "a" is an article).
_DECISION_WORDS = {
    "accept": Choice.ACCEPT,
    "reject": Choice.REJECT,
    "decline": Choice.REJECT,
    "continue": Choice.REJECT,
    "finish": Choice.FINISH,
}
_LABEL = re.compile(r"(?:decision|answer|choice|verdict)\s*[:=\-]\s*", re.IGNORECASE)

# One reply's log-probabilities as stored in the response cache: per generated token, the token and its
# alternatives as (token, logprob) pairs (the chosen token among them where the server lists it).
TokenLogprobs = Sequence[tuple[str, Sequence[tuple[str, float]]]]


def decision_of_token(token: str) -> Choice | None:
    """The decision whose word ``token`` begins (``" AC"`` -> accept), or None."""
    stripped = re.sub(r"[^A-Za-z]", "", token)
    letters = stripped.lower()
    if not letters or (len(letters) == 1 and not stripped.isupper()):
        return None
    found = {choice for word, choice in _DECISION_WORDS.items() if word.startswith(letters) or letters.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _word_from(tokens: Sequence[str], index: int) -> str:
    """The letters of the word that starts at token ``index`` (the token, then the following tokens that
    continue it without a space or punctuation)."""
    word = tokens[index].lstrip()
    for token in tokens[index + 1 :]:
        if not token[:1].isalpha():
            break
        word += token
    letters = cast(re.Match[str], re.match(r"[A-Za-z]*", word))  # matches every string (empty at worst)
    return letters.group(0).lower()


def decision_position(tokens: Sequence[str]) -> int | None:
    """The index of the token that starts the reply's decision word (see the module docstring), or None."""
    text = "".join(tokens)
    labels = list(_LABEL.finditer(text))
    start_char = labels[-1].end() if labels else 0
    offset = 0
    for index, token in enumerate(tokens):
        begins_word = (
            token[:1] in (" ", "\n", "\t", "*", '"', "'", "(") or index == 0 or not tokens[index - 1][-1:].isalpha()
        )
        if offset + len(token) > start_char and begins_word and token.strip(" \n\t*\"'(")[:1].isalpha():
            word = _word_from(tokens, index)
            if any(word.startswith(w) for w in _DECISION_WORDS):
                return index
        offset += len(token)
    return None


def accept_probability(logprobs: TokenLogprobs) -> float | None:
    """P(accept) at the decision token, normalised over the decision alternatives; None when no decision
    token is found or none of its alternatives is a decision."""
    tokens = [token for token, _ in logprobs]
    position = decision_position(tokens)
    if position is None:
        return None
    chosen, alternatives = logprobs[position]
    mass = {choice: 0.0 for choice in Choice}
    seen = set()
    for token, logprob in alternatives:
        choice = decision_of_token(token)
        if choice is not None and token not in seen:  # servers may list the chosen token twice
            seen.add(token)
            mass[choice] += math.exp(logprob)
    total = sum(mass.values())
    return mass[Choice.ACCEPT] / total if total > 0 else None


def from_completion(choice_logprobs) -> list[tuple[str, list[tuple[str, float]]]] | None:
    """A chat completion choice's ``logprobs`` (OpenAI's object, or a dict) in the cache's form."""
    content = getattr(choice_logprobs, "content", None)
    if content is None and isinstance(choice_logprobs, dict):
        content = choice_logprobs.get("content")
    if not content:
        return None
    entries = []
    for item in content:
        item = item if isinstance(item, dict) else item.model_dump()
        top = [(alt["token"], float(alt["logprob"])) for alt in item.get("top_logprobs") or []]
        entries.append((item["token"], top or [(item["token"], float(item["logprob"]))]))
    return entries
