import random

EXAMPLES = [
    "4\n12 18 7 30\n",
    "2\n5 9\n",
    "3\n8 8 8\n",
]


def _case(a: list[int]) -> str:
    return f"{len(a)}\n{' '.join(map(str, a))}\n"


def _multiples(rng: random.Random, n: int, base: int, outliers: int) -> list[int]:
    a = [base * rng.randint(1, 10**9 // base) for _ in range(n)]
    for i in rng.sample(range(n), outliers):
        a[i] = rng.randint(1, 10**9)
    return a


def generate(rng: random.Random) -> list[str]:
    big = 10**9
    tests = [
        _case([1, 1]),
        _case([1, big]),
        _case([big, big]),
        _case([big, big - 1, big]),
        _case([2, 3, 4]),
        _case([6, 10, 15]),
        _case([7, 14, 21, 1]),
        _case([1, 14, 21, 28]),
        _case([12, 5, 24, 36]),
        _case([4, 4, 4, 4, 6]),
    ]
    for _ in range(4):
        n = rng.randint(2, 10)
        tests.append(_case(_multiples(rng, n, rng.randint(1, 30), rng.randint(0, 1))))
    for _ in range(3):
        n = rng.randint(100, 3000)
        tests.append(_case(_multiples(rng, n, rng.randint(2, 10**6), rng.randint(0, 1))))
    tests.append(_case([rng.randint(1, big) for _ in range(1000)]))
    n = 2 * 10**4
    tests.append(_case(_multiples(rng, n, 2 * 3 * 5 * 7 * 11 * 13 * 17, 1)))
    a = _multiples(rng, n, 999983, 0)
    a[n // 2] = 999983 * 2 + 1
    tests.append(_case(a))
    return tests
