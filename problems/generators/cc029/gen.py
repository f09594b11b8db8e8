import random

EXAMPLES = [
    "6 2\n2 1 3 4 0 2\n",
    "3 -1\n-1 -1 -1\n",
]


def _case(t: int, a: list[int]) -> str:
    return f"{len(a)} {t}\n{' '.join(map(str, a))}\n"


def generate(rng: random.Random) -> list[str]:
    m = 10**4
    tests = [
        _case(0, [0]),
        _case(5, [4]),
        _case(m, [m, m]),
        _case(-m, [-m, m, -m]),
        _case(3, [3, 3, 3, 3, 3]),
        _case(1, [0, 2, 1, 3, -1, 1]),
        _case(2, [1, 4]),  # average 2.5 rounds down to 2 but is not on target
        _case(0, [5, -5, 5, -5]),
        _case(7, [1, 2, 3]),
    ]
    for _ in range(6):
        t = rng.randint(-2, 2)
        tests.append(_case(t, [t + rng.randint(-2, 2) for _ in range(rng.randint(2, 15))]))
    for _ in range(3):
        t = rng.randint(-100, 100)
        tests.append(_case(t, [t + rng.randint(-3, 3) for _ in range(rng.randint(500, 4000))]))
    tests.append(_case(rng.randint(-m, m), [rng.randint(-m, m) for _ in range(4000)]))
    n = 5 * 10**4
    tests.append(_case(-7, [-7 + rng.choice([-1, 1]) for _ in range(n)]))
    tests.append(_case(42, [42] * n))
    tests.append(_case(0, [rng.randint(-5, 5) for _ in range(n)]))
    return tests
