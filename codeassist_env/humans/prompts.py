"""The LLM human's prompts, in one place so they can be read and changed together.

Two roles, following the interaction protocol:

- the *acceptor* sees the problem, its program so far, the program with the assistant's suggestion
  appended and the diff; it first reasons, then answers ACCEPT, REJECT or FINISH;
- the *appender* writes the next few tokens of its program, code only.
"""

from __future__ import annotations

import difflib

Message = dict[str, str]

ACCEPTOR_SYSTEM = (
    "You are a programmer solving a coding problem in Python. An AI assistant watches you type and "
    "sometimes proposes code to add at the end of your program. You judge each proposal as the author "
    "of the program: accept it only if it is correct and is what you would write next; reject it if it "
    "is wrong, unnecessary or not how you want to continue. If your program (without the proposal) "
    "already solves the problem completely, you may finish instead."
)

APPENDER_SYSTEM = (
    "You are a programmer solving a coding problem in Python. You write your program a little at a "
    "time. When asked, you type only the next few tokens of code that continue your program exactly "
    "where it stops. You never repeat code that is already written, never explain, and never use "
    "markdown."
)

DECISION_WORDS = "ACCEPT, REJECT or FINISH"
NO_SUGGESTION_WORDS = "FINISH or CONTINUE"


def _program_block(code: str) -> str:
    return f"```python\n{code}\n```" if code else "(empty: nothing written yet)"


def suggestion_diff(code: str, suggestion: str) -> str:
    after = code + suggestion
    lines = difflib.unified_diff(
        code.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile="your program",
        tofile="with the suggestion",
        n=2,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _situation(statement: str, code: str, suggestion: str) -> str:
    parts = [f"## Problem\n{statement.strip()}", f"## Your program so far\n{_program_block(code)}"]
    if suggestion:
        parts.append(f"## The assistant proposes to add\n```python\n{suggestion}\n```")
        parts.append(f"## Your program with the proposal\n{_program_block(code + suggestion)}")
        parts.append(f"## Diff\n```diff\n{suggestion_diff(code, suggestion)}```")
    else:
        parts.append("## The assistant proposes nothing this round.")
    return "\n\n".join(parts)


def acceptor_reasoning_messages(statement: str, code: str, suggestion: str) -> list[Message]:
    """First request of the two-request acceptor: reasoning only."""
    if suggestion:
        task = (
            "Think briefly (a few sentences) about whether the proposal is correct and is what you "
            "would write next, and whether your program is already complete. Do not answer yet."
        )
    else:
        task = "Think briefly (a few sentences) about whether your program already solves the problem."
    return [
        {"role": "system", "content": ACCEPTOR_SYSTEM},
        {"role": "user", "content": f"{_situation(statement, code, suggestion)}\n\n{task}"},
    ]


def acceptor_decision_messages(reasoning: str, suggestion: str) -> list[Message]:
    """Second request of the two-request acceptor: the decision, given the reasoning.

    A fresh, short conversation rather than a third turn of the first one: with the whole problem
    still in context, small models keep writing prose instead of the one word."""
    words = DECISION_WORDS if suggestion else NO_SUGGESTION_WORDS
    about = "a code suggestion from an assistant" if suggestion else "whether their program is complete"
    return [
        {"role": "system", "content": "You answer with exactly one word."},
        {
            "role": "user",
            "content": f"A programmer thought about {about} and wrote:\n\n"
            f"\"{reasoning.strip()}\"\n\nWhich is their decision: {words}?",
        },
    ]


def acceptor_single_messages(statement: str, code: str, suggestion: str) -> list[Message]:
    """One-request acceptor: reasoning and decision in one reply, decision on the last line."""
    words = DECISION_WORDS if suggestion else NO_SUGGESTION_WORDS
    task = (
        "Think briefly (a few sentences) about the situation, then end your reply with one line of "
        f"the form 'DECISION: <word>' where <word> is {words}."
    )
    return [
        {"role": "system", "content": ACCEPTOR_SYSTEM},
        {"role": "user", "content": f"{_situation(statement, code, suggestion)}\n\n{task}"},
    ]


def reask_request(answer: str, suggestion: str) -> Message:
    """Sent when a decision could not be read from ``answer``."""
    words = DECISION_WORDS if suggestion else NO_SUGGESTION_WORDS
    shown = " ".join(answer.split())[:80]
    return {
        "role": "user",
        "content": f"I could not read a decision from {shown!r}. Reply with exactly one word: {words}.",
    }


def appender_messages(statement: str, code: str, max_tokens: int) -> list[Message]:
    if code:
        where = (
            f"Your program so far:\n{_program_block(code)}\n\n"
            "Type the next code that continues it exactly where it stops (mind the indentation; "
            "if the last line is unfinished, continue that line)."
        )
    else:
        where = "You have not written anything yet. Type the first code of your program."
    return [
        {"role": "system", "content": APPENDER_SYSTEM},
        {
            "role": "user",
            "content": f"## Problem\n{statement.strip()}\n\n{where} Write at most about {max_tokens} tokens "
            "(a short line or two). Reply with the new code only.",
        },
    ]
