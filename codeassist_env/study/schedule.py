"""Who works with which assistant on which problem, in which order: a seeded, counterbalanced schedule.

Each participant sees two assistants, labelled only "Assistant A" and "Assistant B", and solves
``pairs`` pairs of problems: one problem of a pair with A, the other with B, then says which helped
more. Two things are counterbalanced across participants: which agent hides behind the label "A"
and whether A or B comes first in each pair. That gives four conditions; every block of four
participants (in the order they joined) gets all four, in an order drawn from the study's seed, so
any prefix of the participant list is balanced to within one block. Problems are drawn per
participant, also from the seed, so a restarted server rebuilds the same schedule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from codeassist_env.errors import InputError

LABELS = ("A", "B")
# (agent behind label A is agents[0]?, label A comes first in a pair?)
CONDITIONS = ((True, True), (True, False), (False, True), (False, False))


@dataclass(frozen=True)
class Slot:
    """One problem of a participant's schedule."""

    index: int  # position in the participant's schedule, from 0
    pair: int  # which pair it belongs to, from 0 (solo mode: every problem is its own "pair")
    problem_id: str
    label: str  # "A" / "B", or the agent's name in solo mode
    agent: str

    @property
    def last_of_pair(self) -> bool:
        return self.index % 2 == 1


@dataclass(frozen=True)
class Schedule:
    participant_index: int
    condition: int  # index into CONDITIONS
    labels: dict[str, str]  # label -> agent name
    slots: tuple[Slot, ...]


def condition_of(seed: int, participant_index: int) -> int:
    """The condition of the participant who joined ``participant_index``-th (from 0)."""
    block, position = divmod(participant_index, len(CONDITIONS))
    order = list(range(len(CONDITIONS)))
    random.Random(f"{seed}:conditions:{block}").shuffle(order)
    return order[position]


def blinded_schedule(
    seed: int, participant_index: int, agents: tuple[str, ...], problem_ids: list[str], pairs: int
) -> Schedule:
    """The schedule of one participant of a two-assistant study (``agents``: the two, checked here)."""
    if len(agents) != 2 or agents[0] == agents[1]:
        raise InputError(f"a blinded study compares two different agents, got {list(agents)}")
    if pairs < 1 or 2 * pairs > len(problem_ids):
        raise InputError(f"pairs={pairs} needs {2 * pairs} problems; the problem set has {len(problem_ids)}")
    condition = condition_of(seed, participant_index)
    first_is_a, a_first = CONDITIONS[condition]
    labels = {"A": agents[0] if first_is_a else agents[1], "B": agents[1] if first_is_a else agents[0]}
    chosen = random.Random(f"{seed}:problems:{participant_index}").sample(problem_ids, 2 * pairs)
    order = ("A", "B") if a_first else ("B", "A")
    slots = tuple(
        Slot(i, i // 2, problem_id, order[i % 2], labels[order[i % 2]]) for i, problem_id in enumerate(chosen)
    )
    return Schedule(participant_index, condition, labels, slots)


def solo_schedule(agent: str, problem_ids: list[str]) -> Schedule:
    """``codeassist study try``: one assistant, named, every problem in the set's order."""
    slots = tuple(Slot(i, i, problem_id, agent, agent) for i, problem_id in enumerate(problem_ids))
    return Schedule(0, 0, {agent: agent}, slots)
