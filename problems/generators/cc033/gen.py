import json
import random

EXAMPLES = [
    "6\n[[0, 1], [0, 2], [1, 3], [2, 3], [3, 4]]\n2\n",
    "4\n[[1, 2], [2, 3]]\n1\n",
    "3\n[[0, 1], [1, 2], [2, 0]]\n0\n",
]


def _case(n: int, edges: list[list[int]], k: int) -> str:
    return f"{n}\n{json.dumps(edges, separators=(',', ':'))}\n{k}\n"


def _random_graph(rng: random.Random, n: int, m: int) -> list[list[int]]:
    edges = []
    for _ in range(m):
        u, v = rng.sample(range(n), 2)
        edges.append([u, v])
    return edges


def _random_tree(rng: random.Random, n: int) -> list[list[int]]:
    labels = list(range(n))
    rng.shuffle(labels)
    edges = [[labels[i], labels[rng.randint(max(0, i - 3), i - 1)]] for i in range(1, n)]
    rng.shuffle(edges)
    return edges


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(1, [], 0),
        _case(1, [], 5),
        _case(2, [], 1),
        _case(2, [[1, 0]], 1),
        _case(2, [[0, 1], [1, 0], [0, 1]], 1),
        _case(4, [[0, 1], [1, 2], [2, 3], [3, 0]], 2),
        _case(5, [[0, 1], [1, 2], [2, 3], [3, 4], [0, 4]], 2),
        _case(5, [[0, 1], [1, 2], [2, 3], [3, 4]], 10),
        _case(7, [[0, 1], [0, 2], [0, 3], [4, 5], [5, 6]], 1),
    ]
    for _ in range(5):
        n = rng.randint(3, 10)
        tests.append(_case(n, _random_graph(rng, n, rng.randint(n - 1, 2 * n)), rng.randint(1, 3)))
    for _ in range(3):
        n = rng.randint(200, 2000)
        tests.append(_case(n, _random_graph(rng, n, rng.randint(n, 2 * n)), rng.randint(2, 6)))
    n = 3000
    tests.append(_case(n, _random_tree(rng, n), rng.randint(5, 40)))
    n = 10**4
    tests.append(_case(n, _random_graph(rng, n, 2 * 10**4), 6))
    tests.append(_case(n, _random_tree(rng, n), 100))
    # A long cycle through everyone: BFS meets itself half way round.
    order = [0] + rng.sample(range(1, n), n - 1)
    tests.append(_case(n, [[order[i], order[(i + 1) % n]] for i in range(n)], n // 2))
    return tests
