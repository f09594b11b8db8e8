import json
import random

EXAMPLES = [
    "2\n[0, 1, 2, 6]\n[5, 2, 4, 1]\n",
    "3\n[0, 0, 0, 0, 0]\n[3, 1, 2, 5, 5]\n",
    "1\n[4, 4]\n[2, 3]\n",
]


def _case(counters: int, arrivals: list[int], durations: list[int]) -> str:
    dump = lambda xs: json.dumps(xs, separators=(",", ":"))  # noqa: E731
    return f"{counters}\n{dump(arrivals)}\n{dump(durations)}\n"


def _random(rng: random.Random, counters: int, n: int, gap: int, longest: int) -> str:
    t, arrivals = 0, []
    for _ in range(n):
        t += rng.randint(0, gap)
        arrivals.append(t)
    return _case(counters, arrivals, [rng.randint(1, longest) for _ in range(n)])


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, [0], [1]),
        _case(1, [10**7], [10**4]),
        _case(3, [0], [5]),
        _case(2, [0, 0, 0], [4, 4, 4]),
        _case(3, [0, 0, 0, 10], [5, 1, 9, 1]),   # counters 1 and 0 free at 10: counter 0
        _case(3, [0, 0, 0, 1], [5, 1, 9, 1]),    # all busy at 1: counter 1 finishes first
        _case(2, [0, 0, 1, 1], [3, 3, 1, 1]),    # both finish at 3 together: counter 0 first
        _case(4, [0, 1, 2, 3, 4, 5, 6], [10, 1, 10, 1, 1, 1, 1]),
        _case(2, [0, 2, 3, 3, 3], [2, 1, 1, 1, 1]),
    ]
    for _ in range(5):
        tests.append(_random(rng, rng.randint(1, 4), rng.randint(3, 12), 3, 6))
    for _ in range(3):
        tests.append(_random(rng, rng.randint(2, 50), rng.randint(500, 3000), 5, 200))
    tests.append(_random(rng, 1, 3000, 10, 10))
    n = 10**4
    # Many counters and spread-out arrivals: most customers find several free counters.
    tests.append(_random(rng, n, n, 1000, 10**4))
    # Fewer counters than needed: a long queue where finishing times decide.
    tests.append(_random(rng, 1000, n, 1, 10**4))
    # Long services that keep the low-numbered counters busy; later customers queue behind them.
    tests.append(_case(7000, sorted(rng.randint(0, 3000) for _ in range(n)),
                       [rng.randint(5000, 10**4) for _ in range(n)]))
    return tests
