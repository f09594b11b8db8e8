import random

EXAMPLES = [
    "10 5 5\n8 8 2 9 1\n",
    "3 2 4\n2 2 2 2\n",
]


def _case(f: int, s: int, requests: list[int]) -> str:
    return f"{f} {s} {len(requests)}\n{' '.join(map(str, requests))}\n"


def generate(rng: random.Random) -> list[str]:
    top = 10**5
    tests = [
        _case(1, 1, [1]),
        _case(2, 1, [2]),
        _case(2, 2, [1]),
        _case(2, 2, [1, 2, 1, 2]),
        _case(5, 3, [3, 5, 5, 1]),   # up, stop, down
        _case(5, 3, [5, 5, 5, 4]),
        _case(9, 9, [1, 9, 1, 9]),
        _case(9, 4, [2, 1, 3, 8, 9, 9, 2]),
        _case(top, top, [1, top]),
        _case(7, 1, [2, 3, 4, 5, 6, 7]),
        _case(7, 7, [6, 6, 5, 7, 7, 3]),
    ]
    for _ in range(5):
        f = rng.randint(2, 6)
        tests.append(_case(f, rng.randint(1, f), [rng.randint(1, f) for _ in range(rng.randint(1, 12))]))
    for _ in range(3):
        f = rng.randint(10, 1000)
        tests.append(_case(f, rng.randint(1, f), [rng.randint(1, f) for _ in range(rng.randint(100, 3000))]))
    q = 3 * 10**4
    tests.append(_case(top, rng.randint(1, top), [rng.randint(1, top) for _ in range(q)]))
    # Mostly repeated floors between moves, so stops sit between almost every pair of movements.
    requests = []
    floor = top // 2
    while len(requests) < q:
        floor = max(1, min(top, floor + rng.choice([-3, -1, 2, 5])))
        requests.extend([floor] * rng.randint(1, 3))
    tests.append(_case(top, top // 2, requests[:q]))
    return tests
