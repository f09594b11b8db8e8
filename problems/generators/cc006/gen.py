import random

EXAMPLES = [
    "6 10\n3 4 2 6 1 1\n",
    "3 2\n5 3 9\n",
]


def _case(budget: int, a: list[int]) -> str:
    return f"{len(a)} {budget}\n{' '.join(map(str, a))}\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, [1]),
        _case(1, [2]),
        _case(5, [6, 7, 8]),
        _case(10, [10, 10, 10]),
        _case(9, [10, 10, 10]),
        _case(10**15, [10**9] * 7),
        _case(6, [1, 2, 3, 1, 2, 3]),
        _case(4, [2, 2, 5, 2, 2, 5, 1, 3]),
        _case(3, [1, 1, 1, 1, 1]),
    ]
    for _ in range(12):
        n = rng.randint(1, 100)
        top = rng.choice([3, 10, 1000])
        a = [rng.randint(1, top) for _ in range(n)]
        budget = rng.randint(1, max(1, sum(a) // rng.choice([1, 2, 5, 20])))
        tests.append(_case(budget, a))
    n = 60_000
    a = [rng.randint(1, 9) for _ in range(n)]
    tests.append(_case(sum(a) // 2, a))  # blocks of about half the route
    a = [rng.randint(1, 9) for _ in range(n)]
    tests.append(_case(sum(a) // 3, a))
    tests.append(_case(30_000, [1] * n))  # many blocks tie for the longest
    return tests
