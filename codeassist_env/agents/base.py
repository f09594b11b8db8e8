"""The assistant contract: ``reset(info)`` at the start of every episode, then ``act(observation)`` each
round, returning the suggestion (a string; "" = none).

``info`` is what ``env.reset`` returned: ``problem_id``, ``starter_code``, ``tokenizer`` and ``seed`` (the
episode's seed, None when the episode was not seeded). An agent that samples derives its randomness from
that seed (see :func:`sampling_seed`), so that nothing outside the agent has to set it::

    class MyAgent:
        def reset(self, info: dict) -> None:
            pass

        def act(self, observation: dict) -> str:
            return "    return 0\n" if observation["code"].endswith(":\n") else ""
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

# An agent's sampling seed in round r of the episode seeded s is s * EPISODE_SEED_STRIDE + r: episodes of
# different seeds never share a round seed as long as they last fewer rounds than this.
EPISODE_SEED_STRIDE = 1000


@runtime_checkable
class Agent(Protocol):
    def reset(self, info: dict[str, Any]) -> None: ...

    def act(self, observation: dict[str, Any]) -> str: ...


def sampling_seed(info: dict[str, Any], default: int | None) -> int | None:
    """The first round's sampling seed of the episode ``info`` describes: ``seed * EPISODE_SEED_STRIDE``,
    or ``default`` when the episode was not seeded."""
    seed = info.get("seed")
    return default if seed is None else int(seed) * EPISODE_SEED_STRIDE
