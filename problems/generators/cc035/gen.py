import json
import random

EXAMPLES = [
    "[5, 9, 6, 4, 5, 7, 6, 8]\n",
    "[3, 3, 3]\n",
    "[10, -2, 11, -1, 12]\n",
]


def _case(notes: list[int]) -> str:
    return json.dumps(notes, separators=(",", ":")) + "\n"


def _walk(rng: random.Random, n: int, start: int, noise: float) -> list[int]:
    p, out = start, []
    for _ in range(n):
        p += rng.choice([-1, 1])
        out.append(p if rng.random() >= noise else p + rng.randint(-50, 50))
    return out


def generate(rng: random.Random) -> list[str]:
    big = 10**9
    tests = [
        _case([0]),
        _case([big, -big]),
        _case([big - 1, big]),
        _case([-big, -big + 1, -big]),
        _case([1, 2, 3, 4, 5]),
        _case([5, 4, 3, 2, 1]),
        _case([1, 2, 1, 2, 1, 2]),
        _case([1, 1, 2, 2, 3, 3]),
        _case([4, 1, 5, 2, 6, 3]),
        _case([7] * 50),
    ]
    for _ in range(5):
        tests.append(_case([rng.randint(0, 6) for _ in range(rng.randint(2, 14))]))
    for _ in range(3):
        tests.append(_case(_walk(rng, rng.randint(300, 3000), rng.randint(-big // 2, big // 2), 0.3)))
    tests.append(_case([rng.randint(-big, big) for _ in range(2000)]))
    n = 2 * 10**4
    tests.append(_case([rng.randint(0, 200) for _ in range(n)]))
    tests.append(_case(_walk(rng, n, 0, 0.5)))
    return tests
