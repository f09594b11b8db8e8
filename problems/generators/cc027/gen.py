import random

EXAMPLES = [
    "8 3\n5 7 6 9 4 5 6 8\n",
    "4 0\n2 2 -1 2\n",
]


def _case(d: int, temps: list[int]) -> str:
    return f"{len(temps)} {d}\n{' '.join(map(str, temps))}\n"


def _walk(rng: random.Random, n: int, step: int) -> list[int]:
    t, out = 0, []
    for _ in range(n):
        t = max(-(10**6), min(10**6, t + rng.randint(-step, step)))
        out.append(t)
    return out


def generate(rng: random.Random) -> list[str]:
    m = 10**6
    tests = [
        _case(0, [0]),
        _case(0, [m, -m]),
        _case(2 * m, [m, -m]),
        _case(2 * m - 1, [m, -m, m]),
        _case(0, [3, 3, 3, 3]),
        _case(1, [1, 2, 3, 4, 5]),
        _case(2, [1, 9, 2, 3, 4, 9, 9]),
        _case(3, [1, 4, 1, 4, 0, 3, 0, 3, 6]),
        _case(4, [10, 6, 8, 7, 11, 9, 12, 14]),
    ]
    for _ in range(6):
        n = rng.randint(2, 14)
        tests.append(_case(rng.randint(0, 4), [rng.randint(0, 6) for _ in range(n)]))
    for _ in range(4):
        n = rng.randint(500, 5000)
        tests.append(_case(rng.randint(0, 60), _walk(rng, n, rng.randint(1, 8))))
    n = 2 * 10**4
    tests.append(_case(10**9, [rng.randint(-m, m) for _ in range(n)]))
    tests.append(_case(150, _walk(rng, n, 3)))
    tests.append(_case(2 * m - 5, [rng.randint(-m, m) for _ in range(n)]))
    return tests
