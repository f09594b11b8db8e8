import random

EXAMPLES = [
    "5\n30 50 30 10 50\n",
    "3\n-2 -2 -2\n",
]


def _case(scores: list[int]) -> str:
    return f"{len(scores)}\n{' '.join(map(str, scores))}\n"


def generate(rng: random.Random) -> list[str]:
    big = 10**9
    tests = [
        _case([0]),
        _case([big, -big]),
        _case([-big, big]),
        _case([7, 7]),
        _case([1, 2, 3, 4, 5]),
        _case([5, 4, 3, 2, 1]),
        _case([3, 1, 3, 1, 3, 1]),
        _case([-5, 0, -5, 10, 0, 0]),
    ]
    for _ in range(6):
        tests.append(_case([rng.randint(-3, 3) for _ in range(rng.randint(2, 12))]))
    for _ in range(4):
        n = rng.randint(100, 3000)
        tests.append(_case([rng.randint(-50, 50) for _ in range(n)]))
    for _ in range(2):
        n = rng.randint(1000, 5000)
        tests.append(_case([rng.randint(-big, big) for _ in range(n)]))
    n = 10**4
    tests.append(_case([rng.randint(-big, big) for _ in range(n)]))
    tests.append(_case([rng.choice([-big, 0, big, rng.randint(-100, 100)]) for _ in range(n)]))
    return tests
