import random

EXAMPLES = [
    "3 4\n10 3 6\n",
    "2 100\n7 5\n",
]


def _case(q: int, times: list[int]) -> str:
    return f"{len(times)} {q}\n{' '.join(map(str, times))}\n"


def _times(rng: random.Random, n: int, q: int, turns: int) -> list[int]:
    """n cooking times whose turns add up to about ``turns`` at most."""
    per_order = max(1, turns // n)
    return [rng.randint(1, q * rng.randint(1, per_order)) for _ in range(n)]


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, [1]),
        _case(10**9, [10**9]),
        _case(1, [3, 3, 3]),
        _case(5, [5, 10, 15]),
        _case(5, [4, 9, 14]),
        _case(2, [1, 1, 1, 1]),
        _case(10**9, [10**9, 1, 10**9]),
        _case(3, [7, 1, 8, 2, 9]),
    ]
    for _ in range(12):
        n = rng.randint(1, 40)
        q = rng.choice([1, 2, 7, 100, 10**6])
        tests.append(_case(q, _times(rng, n, q, rng.choice([n, 5 * n, 40 * n]))))
    tests.append(_case(1000, _times(rng, 5000, 1000, 80_000)))
    tests.append(_case(10**9 // 40, [rng.randint(10**9 - 10**5, 10**9) for _ in range(5000)]))
    tests.append(_case(1, [rng.randint(1, 40) for _ in range(5000)]))
    return tests
