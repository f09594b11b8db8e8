import random

EXAMPLES = [
    "catsanddogs\n5\ncat 4\ncats 5\nsand 2\nand 1\ndogs 3\n",
    "abc\n2\nab 1\nbc 1\n",
    "aaaa\n3\na 3\naa 5\naa 4\n",
]


def _case(s: str, words: list[tuple[str, int]]) -> str:
    return f"{s}\n{len(words)}\n" + "".join(f"{w} {c}\n" for w, c in words)


def _words(rng: random.Random, k: int, letters: str, longest: int, top: int) -> list[tuple[str, int]]:
    return [("".join(rng.choice(letters) for _ in range(rng.randint(1, longest))), rng.randint(1, top))
            for _ in range(k)]


def _message(rng: random.Random, words: list[tuple[str, int]], n: int) -> str:
    """Glue random code words together, so the message can usually be cut."""
    out, length = [], 0
    while length < n:
        w = rng.choice(words)[0]
        out.append(w)
        length += len(w)
    return "".join(out)[:n]


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case("a", [("a", 1)]),
        _case("a", [("b", 1)]),
        _case("ab", [("a", 5), ("b", 5), ("ab", 11)]),
        _case("ab", [("a", 5), ("b", 5), ("ab", 9)]),
        _case("abab", [("ab", 7), ("ab", 2), ("ab", 9)]),
        _case("aaaaa", [("aa", 1), ("aaa", 10)]),
        _case("aaaaa", [("aa", 1), ("aaaa", 1)]),
        _case("z" * 20, [("z" * 20, 10**4), ("z", 1)]),
        _case("xyzxyz", [("xyzx", 1), ("yz", 1), ("xy", 3), ("z", 3)]),
    ]
    for _ in range(12):
        letters = rng.choice(["ab", "abc", "abcdef"])
        words = _words(rng, rng.randint(1, 30), letters, rng.randint(1, 6), rng.choice([3, 100, 10**4]))
        n = rng.randint(1, 80)
        s = _message(rng, words, n) if rng.random() < 0.8 else "".join(rng.choice(letters) for _ in range(n))
        tests.append(_case(s, words))
    n, k = 30_000, 3000
    words = _words(rng, k, "ab", 20, 10**4)
    tests.append(_case(_message(rng, words, n), words))
    words = _words(rng, k, "abc", 12, 10**4) + [(c, 10**4) for c in "abc"]
    tests.append(_case(_message(rng, words, n), words[:k]))
    words = _words(rng, k, "ab", 20, 10**4)
    tests.append(_case(_message(rng, words, n - 1) + "c", words))  # cannot be cut: only the last letter fails
    return tests
