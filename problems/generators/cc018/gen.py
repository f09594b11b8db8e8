import random

EXAMPLES = [
    "5 4\n3 1\n3 2\n5 2\n4 1\n",
    "3 3\n1 2\n2 3\n3 1\n",
]


def _case(n: int, pairs: list[tuple[int, int]]) -> str:
    return f"{n} {len(pairs)}\n" + "".join(f"{a} {b}\n" for a, b in pairs)


def _acyclic(rng: random.Random, n: int, m: int, repeats: bool) -> list[tuple[int, int]]:
    rank = list(range(1, n + 1))
    rng.shuffle(rank)  # edges go from earlier to later in this hidden order
    pairs = []
    while len(pairs) < m:
        i, j = sorted(rng.sample(range(n), 2))
        pairs.append((rank[i], rank[j]))
        if repeats and rng.random() < 0.1 and len(pairs) < m:
            pairs.append(pairs[-1])
    return pairs


def _with_cycle(rng: random.Random, n: int, m: int) -> list[tuple[int, int]]:
    pairs = _acyclic(rng, n, m - 3, False)
    a, b, c = rng.sample(range(1, n + 1), 3)
    pairs += [(a, b), (b, c), (c, a)]
    rng.shuffle(pairs)
    return pairs


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, []),
        _case(2, []),
        _case(2, [(2, 1)]),
        _case(2, [(1, 2), (2, 1)]),
        _case(3, [(3, 2), (3, 2)]),
        _case(4, [(4, 3), (3, 2), (2, 1)]),
        _case(6, [(2, 1), (6, 1), (5, 3), (4, 3)]),
        _case(5, [(1, 2), (2, 3), (3, 4), (4, 2)]),
        _case(4, [(3, 1), (2, 4)]),
    ]
    for _ in range(12):
        n = rng.randint(3, 40)
        m = rng.randint(0, 2 * n) if rng.random() < 0.7 else rng.randint(3, 2 * n + 3)
        tests.append(_case(n, _acyclic(rng, n, m, True) if m < 3 or rng.random() < 0.7 else _with_cycle(rng, n, m)))
    n = 10_000
    tests.append(_case(n, _acyclic(rng, n, n, True)))
    tests.append(_case(n, [(n - i, n - i - 1) for i in range(n - 1)]))  # one long chain, largest first
    tests.append(_case(n, _with_cycle(rng, n, n)))
    return tests
