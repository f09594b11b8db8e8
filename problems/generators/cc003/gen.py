import json
import random

EXAMPLES = [
    "[1, 4, 2, 5, 4]\n3\n",
    "[7, 7, 7]\n0\n",
    "[5, 3, 1]\n-2\n",
]


def _case(nums: list[int], d: int) -> str:
    return f"{json.dumps(nums)}\n{d}\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case([5], 0),
        _case([5], 3),
        _case([1, 2], 1),
        _case([2, 1], 1),
        _case([2, 1], -1),
        _case([0, 0, 0, 0], 0),
        _case([-10**9, 0, 10**9], 10**9),
        _case([10**9, -10**9], -10**9),
        _case([3, 6, 3, 6, 3, 6], 3),
        _case([3, 6, 3, 6, 3, 6], -3),
        _case([1, 2, 3, 4, 5], 10),
    ]
    for _ in range(12):
        n = rng.randint(2, 200)
        spread = rng.choice([3, 10, 100, 10**9])
        nums = [rng.randint(-spread, spread) for _ in range(n)]
        d = rng.choice([0, rng.randint(-spread, spread), rng.randint(-3, 3)])
        tests.append(_case(nums, d))
    n = 20_000
    tests.append(_case([rng.randint(0, 50) for _ in range(n)], 7))
    tests.append(_case([rng.randint(0, 9999) for _ in range(n)], -rng.randint(1, 100)))
    tests.append(_case([42] * n, 0))
    return tests
