import random

EXAMPLES = [
    "4 0\n\n",
    "6 1\n2\n",
    "7 3\n1 2 4\n",
]


def _case(n: int, cracked: list[int]) -> str:
    return f"{n} {len(cracked)}\n{' '.join(map(str, cracked))}\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, []),
        _case(2, [1]),
        _case(3, []),
        _case(3, [1, 2]),
        _case(4, [1, 2, 3]),
        _case(6, []),
        _case(6, [1, 2, 4, 5]),  # only 3 + 3, which is forbidden
        _case(9, [1, 2, 4, 5, 7, 8]),
        _case(10, [5]),
        _case(12, [3, 6, 9]),
    ]
    for _ in range(4):
        n = rng.randint(4, 20)
        tests.append(_case(n, rng.sample(range(1, n), rng.randint(0, n // 3))))
    for _ in range(3):
        n = rng.randint(100, 5000)
        tests.append(_case(n, rng.sample(range(1, n), rng.randint(0, n // 4))))
    n = 10**5
    tests.append(_case(n, []))
    tests.append(_case(n, rng.sample(range(1, n), 2 * 10**4)))
    # Every fifth step cracked: each gap needs a mix of jump lengths.
    tests.append(_case(n, [c for c in range(3, n, 5)][: 2 * 10**4]))
    return tests
