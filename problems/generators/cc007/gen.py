import random

EXAMPLES = [
    "3 4\n..W.\n.##.\n....\n",
    "2 3\n.#W\n#..\n",
]


def _case(rows: list[str]) -> str:
    return f"{len(rows)} {len(rows[0])}\n" + "\n".join(rows) + "\n"


def _random_grid(rng: random.Random, n: int, m: int, rock: float, water: float) -> list[str]:
    rows = []
    for _ in range(n):
        row = []
        for _ in range(m):
            x = rng.random()
            row.append("#" if x < rock else "W" if x < rock + water else ".")
        rows.append("".join(row))
    if "." not in "".join(rows):
        rows[0] = "." + rows[0][1:]
    return rows


def _snake(n: int, m: int) -> list[str]:
    """A winding corridor: walls on every other row, with one gap alternating sides."""
    rows = []
    for r in range(n):
        if r % 2 == 0:
            rows.append("." * m)
        elif r % 4 == 1:
            rows.append("#" * (m - 1) + ".")
        else:
            rows.append("." + "#" * (m - 1))
    rows[0] = "W" + rows[0][1:]
    return rows


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(["."]),
        _case([".W"]),
        _case([".#W"]),
        _case(["...", "...", "..."]),
        _case(["W..", "###", "..."]),
        _case([".....", ".###.", ".#W#.", ".###.", "....."]),
        _case(["W.#.W", "..#..", "#####", "....."]),
        _case(["W" * 4 + "."]),
    ]
    for _ in range(12):
        n, m = rng.randint(1, 25), rng.randint(1, 25)
        tests.append(_case(_random_grid(rng, n, m, rng.choice([0.0, 0.2, 0.4]), rng.choice([0.0, 0.01, 0.1]))))
    tests.append(_case(_snake(299, 300)))
    big = [["."] * 300 for _ in range(300)]
    big[0][0] = "W"
    tests.append(_case(["".join(r) for r in big]))
    tests.append(_case(_random_grid(rng, 300, 300, 0.3, 0.0005)))
    return tests
