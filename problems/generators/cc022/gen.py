import random
import string


EXAMPLES = [
    "7 4\nabacaba\n1 7\n2 3\n3 5\n2 5\n",
    "1 1\nz\n1 1\n",
]


def _case(s: str, queries: list[tuple[int, int]]) -> str:
    lines = [f"{len(s)} {len(queries)}", s] + [f"{l} {r}" for l, r in queries]
    return "\n".join(lines) + "\n"


def _random_queries(rng: random.Random, n: int, q: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(q):
        l, r = sorted((rng.randint(1, n), rng.randint(1, n)))
        out.append((l, r))
    return out


def _long_queries(rng: random.Random, n: int, q: int) -> list[tuple[int, int]]:
    # Long ranges make recounting letters per question expensive.
    return [(rng.randint(1, n // 10), rng.randint(n - n // 10, n)) for _ in range(q)]


def _palindromic_mix(rng: random.Random, n: int, letters: str) -> str:
    half = [rng.choice(letters) for _ in range(n // 2)]
    mid = [rng.choice(letters)] if n % 2 else []
    return "".join(half + mid + half[::-1])


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case("a", [(1, 1)]),
        _case("ab", [(1, 1), (1, 2), (2, 2)]),
        _case("aab", [(1, 3), (1, 2), (2, 3)]),
        _case("abcabc", [(1, 6), (1, 5), (2, 6), (1, 3), (2, 4)]),
        _case("zzzzzzzz", [(1, 8), (2, 8), (3, 3), (1, 7)]),
        _case("abcdefghijklmnopqrstuvwxyz", [(1, 26), (5, 5), (5, 6), (1, 2)]),
    ]
    for _ in range(5):
        n = rng.randint(2, 30)
        s = "".join(rng.choice("abc") for _ in range(n))
        tests.append(_case(s, _random_queries(rng, n, rng.randint(1, 30))))
    for _ in range(5):
        n = rng.randint(50, 2000)
        letters = string.ascii_lowercase[: rng.randint(2, 26)]
        s = _palindromic_mix(rng, n, letters) if rng.random() < 0.5 else "".join(rng.choice(letters) for _ in range(n))
        # Many symmetric ranges so both answers appear often.
        qs = _random_queries(rng, n, 200) + [(i, n + 1 - i) for i in range(1, n // 2 + 1, max(1, n // 100))]
        tests.append(_case(s, qs))
    for _ in range(3):
        n = rng.randint(5000, 20000)
        s = "".join(rng.choice("ab") for _ in range(n))
        tests.append(_case(s, _random_queries(rng, n, 3000)))
    n = 20000
    tests.append(_case(_palindromic_mix(rng, n, "abcdef"), _long_queries(rng, n, 5000) + [(i, n + 1 - i) for i in range(1, 5001)]))
    tests.append(_case("".join(rng.choice("xyz") for _ in range(n)), _long_queries(rng, n, 10000)))
    return tests
