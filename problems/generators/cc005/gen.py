import random
import string

EXAMPLES = [
    "5\nowls 30 100\nfoxes 45 200\nbats 30 100\nelk 30 90\nyaks 10 0\n",
    "1\nsolo 0 0\n",
]


def _names(rng: random.Random, n: int) -> list[str]:
    names = set()
    while len(names) < n:
        names.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 10))))
    return sorted(names)  # sorted, then shuffled: independent of set iteration order


def _case(rng: random.Random, n: int, max_score: int, max_penalty: int) -> str:
    names = _names(rng, n)
    rng.shuffle(names)
    rows = [f"{name} {rng.randint(0, max_score)} {rng.randint(0, max_penalty)}" for name in names]
    return f"{n}\n" + "\n".join(rows) + "\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        "2\nb 5 5\na 5 5\n",
        "3\nzed 0 0\nann 0 0\nmia 0 0\n",
        "3\nx 9 1\ny 10 1\nz 100 1\n",
        "4\np 7 20\nq 7 3\nr 7 100\ns 8 1000000\n",
        "5\na 1000000 1000000\nb 1000000 0\nc 0 0\nd 0 1000000\ne 1000000 1000000\n",
        "6\nt 3 3\nu 3 3\nv 2 2\nw 3 3\nx 2 2\ny 1 1\n",
    ]
    for _ in range(14):
        n = rng.randint(1, 60)
        tests.append(_case(rng, n, rng.choice([2, 12, 1000, 10**6]), rng.choice([0, 3, 120, 10**6])))
    tests.append(_case(rng, 5000, 10**6, 10**6))
    tests.append(_case(rng, 5000, 20, 5))
    tests.append(_case(rng, 5000, 150, 0))
    return tests
