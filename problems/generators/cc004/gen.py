import random

EXAMPLES = [
    "5 2\n1 9 4 5 13\n",
    "3 0\n7 7 7\n",
]


def _case(r: int, houses: list[int]) -> str:
    return f"{len(houses)} {r}\n{' '.join(map(str, houses))}\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(0, [0]),
        _case(10**9, [10**9]),
        _case(0, [5, 3, 5, 3, 1]),
        _case(3, [0, 6, 12, 18]),        # each house exactly at the edge of the previous light
        _case(3, [0, 7, 14, 21]),        # one step beyond the edge every time
        _case(1, [10, 8, 6, 4, 2, 0]),
        _case(5, [0, 10, 11, 21, 22, 32]),
        _case(10**9, [0, 10**9, 2 * 10**8, 7]),
        _case(2, [4, 4, 4, 4]),
    ]
    for _ in range(12):
        n = rng.randint(1, 80)
        span = rng.choice([20, 1000, 10**9])
        r = rng.randint(0, max(0, span // rng.choice([5, 20, 200])))
        houses = [rng.randint(0, span) for _ in range(n)]
        tests.append(_case(r, houses))
    n = 20_000
    tests.append(_case(rng.randint(0, 300), [rng.randint(0, 10**6) for _ in range(n)]))
    r = 250
    chain = [i * 2 * r + rng.choice((0, 1)) for i in range(n)]  # edges and just-past-edges mixed
    rng.shuffle(chain)
    tests.append(_case(r, chain))
    tests.append(_case(0, [rng.randint(0, 10**6) for _ in range(n)]))
    return tests
