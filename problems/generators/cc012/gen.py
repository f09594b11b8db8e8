import random

EXAMPLES = [
    "4 4\n1 2 3\n2 4 3\n1 3 1\n3 4 10\n",
    "3 1\n1 2 5\n",
    "1 0\n",
]


def _case(n: int, roads: list[tuple[int, int, int]]) -> str:
    return f"{n} {len(roads)}\n" + "".join(f"{u} {v} {w}\n" for u, v, w in roads)


def _random_roads(rng: random.Random, n: int, m: int, top: int, connected: bool) -> list[tuple[int, int, int]]:
    roads = []
    if connected:  # a random spanning tree first
        order = list(range(1, n + 1))
        rng.shuffle(order)
        for i in range(1, n):
            roads.append((order[i], order[rng.randrange(i)], rng.randint(1, top)))
    while len(roads) < m:
        u, v = rng.sample(range(1, n + 1), 2)
        roads.append((u, v, rng.randint(1, top)))
    rng.shuffle(roads)
    return [(v, u, w) if rng.random() < 0.5 else (u, v, w) for u, v, w in roads]


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, []),
        _case(2, []),
        _case(2, [(1, 2, 7)]),
        _case(2, [(2, 1, 7), (1, 2, 3)]),
        _case(3, [(1, 2, 5), (2, 3, 5)]),
        _case(4, [(1, 2, 1), (2, 3, 1), (3, 4, 1), (1, 4, 100)]),
        _case(4, [(1, 2, 2), (2, 3, 2), (3, 4, 2), (1, 4, 10000)]),
        _case(5, [(4, 5, 3), (2, 3, 9)]),
        _case(5, [(5, 3, 9999), (3, 1, 1), (1, 2, 1), (2, 4, 1), (4, 5, 2)]),
    ]
    for _ in range(12):
        n = rng.randint(2, 40)
        m = rng.randint(0, 3 * n)
        tests.append(_case(n, _random_roads(rng, n, m, rng.choice([3, 100, 10**4]), rng.random() < 0.7)))
    # maximum size: a long cheap path competing with a few expensive shortcuts
    n = 10_000
    roads = [(i, i + 1, rng.randint(1, 3)) for i in range(1, n)]
    roads += [(rng.randint(1, n // 2), rng.randint(n // 2 + 1, n), rng.randint(9000, 10**4)) for _ in range(2000)]
    rng.shuffle(roads)
    tests.append(_case(n, roads))
    tests.append(_case(n, _random_roads(rng, n, 12_000, 10**4, True)))
    return tests
