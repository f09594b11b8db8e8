"""Reading an LLM human's replies: its decision, and the code it typed.

Models wrap answers in markdown, prose and code fences, and small ones often re-type the program
instead of continuing it; these functions undo that without ever touching code already written.
"""

from __future__ import annotations

import re

from codeassist_env.humans.base import Choice

# Words that count as each decision (CONTINUE is the answer when no suggestion was shown).
_CHOICE_WORDS = {
    **dict.fromkeys(("accept", "accepted", "accepting", "accepts", "yes"), Choice.ACCEPT),
    **dict.fromkeys(("reject", "rejected", "rejecting", "rejects", "no", "decline", "continue"), Choice.REJECT),
    **dict.fromkeys(("finish", "finished", "finishing", "done"), Choice.FINISH),
}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NEGATIONS = {"not", "don't", "dont", "won't", "never", "cannot", "can't", "shouldn't", "wouldn't", "no"}
_LABEL = re.compile(r"(?:final\s+)?(?:decision|answer|choice|verdict)\s*[:=\-]\s*([a-z]+)")
_REFUSAL = re.compile(
    r"\b(i'm sorry|i am sorry|i apologi[sz]e|i can(?:no|')t (?:help|assist|comply|do that|provide)|"
    r"i(?: am|'m) (?:not able|unable) to|as an ai\b)",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    """Lower case, markdown and fences removed, curly apostrophes straightened."""
    text = text.replace("\u2019", "'").lower()
    text = re.sub(r"```[a-z]*", " ", text)
    return re.sub(r"[*_`#>\[\]\"]", " ", text)


def parse_decision(text: str) -> Choice | None:
    """``accept``, ``reject`` or ``finish`` read from a reply, or None when it is absent or ambiguous.

    Order of evidence: a labelled answer ("Decision: finish", the last one wins), then the reply's
    first word ("Accept.", "**REJECT**"), then the decision words anywhere in the reply, where
    "not accept" counts as reject and "not reject" as accept; several different decisions there
    means ambiguous."""
    plain = _plain(text)
    labelled = [_CHOICE_WORDS.get(w) for w in _LABEL.findall(plain)]
    labelled = [c for c in labelled if c]
    if labelled:
        return labelled[-1]
    words = _WORD.findall(plain)
    if not words:
        return None
    if words[0] in _CHOICE_WORDS and words[0] not in ("yes", "no"):
        return _CHOICE_WORDS[words[0]]
    votes: set[Choice] = set()
    for i, word in enumerate(words):
        choice = _CHOICE_WORDS.get(word)
        if choice is None or word in ("yes", "no", "done"):
            continue
        negated = i > 0 and words[i - 1] in _NEGATIONS or i > 1 and words[i - 2] in _NEGATIONS
        if negated:
            choice = {Choice.ACCEPT: Choice.REJECT, Choice.REJECT: Choice.ACCEPT}.get(choice)
        if choice:
            votes.add(choice)
    if len(votes) == 1:
        return votes.pop()
    if not votes and len(words) <= 2 and words[0] in ("yes", "no"):
        return _CHOICE_WORDS[words[0]]
    return None


def looks_like_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text.replace("\u2019", "'")))


_FENCE = re.compile(r"```[^\n`]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_PROSE_LEAD = re.compile(
    r"^\s*(?:here(?:'s| is| are)|sure|okay|ok|certainly|of course|the next|next|continuing|continuation)\b"
    r"[^\n]*[:.!]\s*$",
    re.IGNORECASE,
)


def extract_code(text: str) -> str:
    """The code in a reply: the first fenced block if there is one (closed or not), else the reply
    without leading prose lines ("Here is the next part:") and stray fence lines."""
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    lines = text.split("\n")
    while lines and (_PROSE_LEAD.match(lines[0]) or lines[0].strip().startswith("```")):
        lines.pop(0)
    return "\n".join(line for line in lines if not line.strip().startswith("```"))


def strip_retyped_code(code: str, text: str, min_overlap_chars: int = 8) -> str:
    """Remove from the start of ``text`` a re-typed copy of the end of ``code``.

    Small models asked to continue a program often write it again from the top (or from some line)
    and then continue. We find the longest tail of ``code`` (whole lines, the last one possibly
    unfinished) that ``text`` starts with, ignoring trailing spaces, and keep what follows. Overlaps
    shorter than ``min_overlap_chars`` non-blank characters are treated as coincidence."""
    if not code.strip() or not text:
        return text
    if text.startswith(code):
        return text[len(code) :]
    code_lines, text_lines = code.split("\n"), text.split("\n")
    for start in range(len(code_lines)):
        tail = code_lines[start:]
        if len(tail) > len(text_lines):
            continue
        complete, last = tail[:-1], tail[-1]
        if any(t.rstrip() != c.rstrip() for t, c in zip(text_lines, complete)):
            continue
        line = text_lines[len(complete)]
        if not line.startswith(last):
            continue
        if len("".join(tail).replace(" ", "").replace("\t", "")) < min_overlap_chars:
            return text
        rest = "\n".join([line[len(last) :]] + text_lines[len(complete) + 1 :])
        # An unfinished last line continues on the same line; a finished one (code ends with a
        # newline, so ``last`` is "") already has its newline in ``code``.
        return rest
    return text
