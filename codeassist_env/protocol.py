"""The protocol's defaults, defined once (docs/protocol.md §2.3): the environment, the bench's config and the
command line take them from here."""

from __future__ import annotations

MAX_ROUNDS = 50  # rounds per episode; the episode is truncated after the last
HUMAN_TOKENS = 10  # K_H: tokens the programmer types per round
