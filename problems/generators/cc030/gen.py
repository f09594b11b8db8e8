import json
import random

EXAMPLES = [
    "[4, 8, 15, 8, 4, 15]\n",
    "[1, 2, 3]\n",
    "[-7, -7]\n",
]


def _case(codes: list[int]) -> str:
    return json.dumps(codes, separators=(",", ":")) + "\n"


def generate(rng: random.Random) -> list[str]:
    big = 10**9
    tests = [
        _case([0]),
        _case([big, -big]),
        _case([big, big]),
        _case([1, 2, 1]),
        _case([1, 2, 3, 1, 2, 3]),
        _case([5, 6, 7, 5, 9, 9]),
        _case([3, 1, 2, 3, 3]),
        _case([2, 1, 1, 2]),
        _case(list(range(100))),
        _case(list(range(50)) + [0]),
    ]
    for _ in range(5):
        tests.append(_case([rng.randint(0, 8) for _ in range(rng.randint(2, 12))]))
    for _ in range(3):
        n = rng.randint(300, 3000)
        tests.append(_case([rng.randint(-n * 4, n * 4) for _ in range(n)]))
    n = 2 * 10**4
    distinct = rng.sample(range(-big, big), n)
    tests.append(_case(distinct))
    # All distinct except one twin pair far apart and one close pair near the end.
    codes = rng.sample(range(10**6), n)
    codes[n - 1] = codes[n - 4]
    codes[5] = codes[n // 2]
    tests.append(_case(codes))
    codes = [i % 997 for i in range(n)]
    codes[12345] = codes[12345 - 500]
    tests.append(_case(codes))
    return tests
