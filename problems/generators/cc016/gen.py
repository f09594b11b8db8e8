import random

EXAMPLES = [
    "4\n0 60\n60 120\n30 90\n45 50\n",
    "2\n10 20\n20 30\n",
]

TOP = 10**6


def _case(shifts: list[tuple[int, int]]) -> str:
    return f"{len(shifts)}\n" + "".join(f"{s} {e}\n" for s, e in shifts)


def _random_shifts(rng: random.Random, n: int, top: int, longest: int) -> list[tuple[int, int]]:
    shifts = []
    for _ in range(n):
        s = rng.randint(0, top - 1)
        shifts.append((s, min(top, s + rng.randint(1, longest))))
    return shifts


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case([(0, 1)]),
        _case([(0, TOP)]),
        _case([(5, 10), (5, 10), (5, 10)]),
        _case([(0, 10), (10, 20), (20, 30)]),
        _case([(0, 10), (9, 20), (19, 30)]),
        _case([(50, 60), (0, 10), (5, 15), (52, 58), (54, 56)]),
        _case([(0, 5), (1, 2), (3, 4)]),
        _case([(10, 20), (0, 10), (10, 11), (20, 21), (0, 1)]),
        _case([(TOP - 1, TOP), (0, TOP)]),
    ]
    for _ in range(12):
        n = rng.randint(1, 60)
        top = rng.choice([30, 1000, TOP])
        tests.append(_case(_random_shifts(rng, n, top, max(1, top // rng.choice([1, 5, 50])))))
    n = 15_000
    tests.append(_case(_random_shifts(rng, n, TOP, 5000)))
    # many shifts chained end-to-start at the same minutes
    chain = [(i * 60 % (TOP - 60), i * 60 % (TOP - 60) + 60) for i in range(n)]
    rng.shuffle(chain)
    tests.append(_case(chain))
    return tests
