import random

EXAMPLES = [
    "5 3\n4 0 0 7 1\n1 5\n2 3\n4 4\n",
    "1 1\n0\n1 1\n",
]


def _case(a: list[int], queries: list[tuple[int, int]]) -> str:
    lines = [f"{len(a)} {len(queries)}", " ".join(map(str, a))]
    lines += [f"{l} {r}" for l, r in queries]
    return "\n".join(lines) + "\n"


def _random_queries(rng: random.Random, n: int, q: int) -> list[tuple[int, int]]:
    queries = []
    for _ in range(q):
        l, r = sorted((rng.randint(1, n), rng.randint(1, n)))
        queries.append((l, r))
    return queries


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case([5], [(1, 1)]),
        _case([0], [(1, 1), (1, 1)]),
        _case([10**9] * 4, [(1, 4), (2, 3), (4, 4)]),
        _case([0, 0, 0], [(1, 3), (2, 2), (1, 1), (3, 3)]),
        _case([3, 0, 5, 0, 0, 2], [(1, 1), (2, 2), (1, 6), (4, 5), (5, 6), (3, 4)]),
    ]
    for _ in range(15):
        n = rng.randint(1, 60)
        zero_share = rng.random()
        a = [0 if rng.random() < zero_share else rng.randint(1, rng.choice([9, 1000, 10**9])) for _ in range(n)]
        tests.append(_case(a, _random_queries(rng, n, rng.randint(1, 40))))
    # maximum size: small values keep the file small; every question spans almost the whole ledger
    for _ in range(2):
        n, q = 60_000, 5_000
        a = [rng.choice((0, 0, rng.randint(1, 9))) for _ in range(n)]
        wide = [(rng.randint(1, 50), rng.randint(n - 50, n)) for _ in range(q)]
        tests.append(_case(a, wide))
    a = [rng.randint(0, 10**9) for _ in range(2000)]
    tests.append(_case(a, _random_queries(rng, 2000, 2000)))
    return tests
