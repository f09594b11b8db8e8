import random

EXAMPLES = [
    "5 2\n4 1 5 3 2\n",
    "4 4\n1 2 3 4\n",
    "6 1\n5 1 1 5 1 5\n",
]


def _case(k: int, a: list[int]) -> str:
    return f"{len(a)} {k}\n{' '.join(map(str, a))}\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, [0]),
        _case(1, [7]),
        _case(1, [3, 9]),
        _case(1, [9, 3, 9]),
        _case(2, [10, 10, 10, 10, 10, 10, 10]),
        _case(3, [0, 0, 0, 0, 0]),
        _case(2, [1, 100, 100, 1, 100, 100, 1]),
        _case(2, [100, 1, 100, 100, 1, 100, 100]),
        _case(3, [5, 8, 1, 9, 9, 2, 9, 9, 9, 1, 3]),
        _case(1, [10**4] * 6),
    ]
    for _ in range(12):
        n = rng.randint(1, 60)
        a = [rng.randint(0, rng.choice([5, 100, 10**4])) for _ in range(n)]
        tests.append(_case(rng.randint(1, min(n, rng.choice([2, 5, n]))), a))
    n = 40_000
    tests.append(_case(n // 2, [rng.randint(0, 10**4) for _ in range(n)]))
    tests.append(_case(n // 3, [rng.randint(0, 10**4) for _ in range(n)]))
    tests.append(_case(7, [rng.randint(0, 10**4) for _ in range(n // 4)]))
    tests.append(_case(n // 4, [rng.randint(0, 10**4) for _ in range(n // 4)]))
    return tests
