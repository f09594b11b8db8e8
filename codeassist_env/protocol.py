"""The protocol's defaults and its decision vocabulary, defined once (docs/protocol.md §2.2, §2.3): the
environment, the humans, the records, the bench's config and the command line take them from here."""

from __future__ import annotations

from enum import StrEnum

MAX_ROUNDS = 50  # rounds per episode; the episode is truncated after the last
HUMAN_TOKENS = 10  # K_H: tokens the programmer types per round


class Choice(StrEnum):
    """The programmer's decision on a suggestion (docs/protocol.md §2.2)."""

    ACCEPT = "accept"
    REJECT = "reject"
    FINISH = "finish"
