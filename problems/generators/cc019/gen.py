import random

EXAMPLES = [
    "ab^cd^e<f\n",
    "x<<y<\n",
    "^^a^^b\n",
]


def _keys(rng: random.Random, n: int, erase: float, caps: float) -> str:
    out = []
    for _ in range(n):
        x = rng.random()
        out.append("<" if x < erase else "^" if x < erase + caps else rng.choice("abcdefghijklmnopqrstuvwxyz"))
    return "".join(out)


def generate(rng: random.Random) -> list[str]:
    tests = ["a\n", "<\n", "^\n", "a<\n", "^a\n", "<a\n", "<<ab\n", "^a<b\n", "ab<<<c^d\n", "^^^z\n",
             "abc^<d\n"]
    for _ in range(11):
        n = rng.randint(1, 120)
        tests.append(_keys(rng, n, rng.choice([0.0, 0.2, 0.45, 0.6]), rng.choice([0.0, 0.05, 0.3])) + "\n")
    n = 100_000
    tests.append(_keys(rng, n, 0.3, 0.05) + "\n")
    tests.append("<" * 50_000 + _keys(rng, 50_000, 0.1, 0.1) + "\n")
    tests.append(_keys(rng, n // 2, 0.0, 0.02) + "<" * (n // 2) + "\n")
    return tests
