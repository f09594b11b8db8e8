import json
import random

EXAMPLES = [
    "[2, 1, 2, 1]\n[50, 10, 20, 30]\n",
    "[3, 3, 3]\n[5, 6, 7]\n",
    "[1, 1000000000]\n[8, 9]\n",
]


def _case(deadlines: list[int], profits: list[int]) -> str:
    return json.dumps(deadlines, separators=(",", ":")) + "\n" + json.dumps(profits, separators=(",", ":")) + "\n"


def _random(rng: random.Random, n: int, max_deadline: int, max_profit: int) -> str:
    return _case([rng.randint(1, max_deadline) for _ in range(n)], [rng.randint(1, max_profit) for _ in range(n)])


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case([1], [1]),
        _case([1, 1, 1], [3, 9, 4]),
        _case([2, 1], [10, 5]),
        _case([10**9] * 3, [10**6] * 3),
        _case([1, 2, 3, 4], [4, 3, 2, 1]),
        _case([4, 4, 1, 1, 2], [20, 10, 40, 30, 25]),
        _case([3, 1, 2, 2, 3], [1, 100, 1, 99, 2]),
    ]
    for _ in range(6):
        n = rng.randint(2, 10)
        tests.append(_random(rng, n, rng.randint(1, n), 30))
    for _ in range(4):
        n = rng.randint(100, 2000)
        tests.append(_random(rng, n, rng.randint(1, n // 3), 10**6))
    tests.append(_random(rng, 3000, 10**9, 10**6))
    deadlines = [rng.randint(4950, 5000) for _ in range(5000)]
    tests.append(_case(deadlines, [rng.randint(1, 10**6) for _ in range(5000)]))
    n = 2 * 10**4
    # Every commission due on day n: everything fits, but naive day-finding walks the whole calendar.
    tests.append(_case([n] * n, [rng.randint(1, 1000) for _ in range(n)]))
    tests.append(_random(rng, n, n // 2, 1000))
    return tests
