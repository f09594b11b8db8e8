import random

EXAMPLES = [
    "5 2\n1 9 3 5 12\n",
    "4 0\n7 7 -3 7\n",
]


def _case(r: int, xs: list[int]) -> str:
    return f"{len(xs)} {r}\n{' '.join(map(str, xs))}\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(0, [0]),
        _case(10**9, [-(10**9), 10**9]),
        _case(10**9 - 1, [-(10**9), 10**9]),
        _case(0, [5, 5, 5, 5]),
        _case(1, [0, 2, 4, 6, 8]),
        _case(1, [0, 3, 6, 9]),
        _case(3, [10, 4, 16, 22, 28, 0]),
        _case(2, [-7, -3, 1, 5, 9]),
    ]
    for _ in range(6):
        n = rng.randint(2, 12)
        r = rng.randint(0, 4)
        tests.append(_case(r, [rng.randint(-20, 20) for _ in range(n)]))
    for _ in range(4):
        n = rng.randint(100, 3000)
        r = rng.randint(0, 50)
        step = 2 * r + rng.randint(0, 1)
        # Huts on a lattice spaced exactly at (or just past) the reach of one lighthouse.
        xs = [rng.randint(-1000, 1000) * step + rng.choice([0, 0, step]) for _ in range(n)]
        rng.shuffle(xs)
        tests.append(_case(r, xs))
    for _ in range(3):
        n = rng.randint(1000, 5000)
        r = rng.randint(0, 10**6)
        tests.append(_case(r, [rng.randint(-(10**9), 10**9) for _ in range(n)]))
    n = 20000
    tests.append(_case(25000, [rng.randint(-(10**9), 10**9) for _ in range(n)]))
    xs = [i * 2 * 7 + rng.choice([0, 14]) for i in range(-n // 2, n // 2)]
    rng.shuffle(xs)
    tests.append(_case(7, xs))
    return tests
