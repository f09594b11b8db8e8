import json
import random

EXAMPLES = [
    "[3, -1, 2, 4, 0, -4, 4]\n",
    "[0, 0, 0]\n",
    "[5]\n",
]


def _case(nums: list[int]) -> str:
    return json.dumps(nums, separators=(",", ":")) + "\n"


def generate(rng: random.Random) -> list[str]:
    m = 10**4
    tests = [
        _case([0]),
        _case([m]),
        _case([1, 1]),
        _case([1, -1]),
        _case([0, 0]),
        _case([0] * 7),
        _case([3, 3, 3, 1]),
        _case([2, 1, 0, 0, 1, 2]),
        _case([m, -m, m, -m, m, -m]),
        _case([1, 2, 1]),
    ]
    for _ in range(5):
        tests.append(_case([rng.randint(-2, 2) for _ in range(rng.randint(2, 15))]))
    for _ in range(3):
        tests.append(_case([rng.randint(-3, 3) for _ in range(rng.randint(500, 5000))]))
    tests.append(_case([rng.randint(-m, m) for _ in range(3000)]))
    n = 5 * 10**4
    half = [rng.randint(-3, 3) for _ in range(n // 2)]
    tests.append(_case(half + [-x for x in half]))
    walk = [rng.choice([-1, 1]) for _ in range(n - 1)]
    walk.append(-sum(walk) + rng.choice([0, 0, 1]))
    tests.append(_case(walk))
    tests.append(_case([0] * n))
    return tests
