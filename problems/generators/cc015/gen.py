import random

EXAMPLES = [
    "6 3\nabcabc\nabc\n5 1 4 2 8 3\n",
    "4 2\naaba\naa\n2 9 1 3\n",
    "3 2\nxyz\nzx\n1 1 1\n",
]


def _case(text: str, spell: str, cost: list[int]) -> str:
    return f"{len(text)} {len(spell)}\n{text}\n{spell}\n{' '.join(map(str, cost))}\n"


def _random(rng: random.Random, n: int, m: int, letters: str, top: int) -> str:
    spell = "".join(rng.choice(letters) for _ in range(m))
    text = "".join(rng.choice(letters + "z") for _ in range(n))
    return _case(text, spell, [rng.randint(1, top) for _ in range(n)])


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case("a", "a", [7]),
        _case("a", "b", [7]),
        _case("ab", "ba", [3, 4]),
        _case("aaaa", "aa", [5, 1, 2, 6]),
        _case("aaaa", "aaaaa", [1, 1, 1, 1]),
        _case("abab", "ab", [1, 10, 10, 1]),
        _case("aabb", "ab", [1, 1, 1, 1]),
        _case("abcabcabc", "abc", [9, 1, 9, 1, 9, 1, 9, 9, 9]),
        _case("xaxbxc", "abc", [10**4] * 6),
        _case("aab", "aab", [4, 4, 1]),
    ]
    for _ in range(12):
        n = rng.randint(1, 60)
        m = rng.randint(1, min(10, n + 1))
        tests.append(_random(rng, n, m, rng.choice(["ab", "abc", "abcd"]), rng.choice([3, 100, 10**4])))
    n = 30_000
    tests.append(_random(rng, n, 10, "ab", 10**4))
    tests.append(_random(rng, n, 10, "abcde", 10**4))
    text = "".join(rng.choice("ab") for _ in range(n))
    tests.append(_case(text, "aaaaabbbbb", [rng.randint(1, 10**4) for _ in range(n)]))
    return tests
