import json
import random
import string

EXAMPLES = [
    '["listen", "silent", "enlist", "google", "tinsel", "gogole"]\n',
    '["ab", "ba", "ab", "abb"]\n',
    '["solo"]\n',
]


def _case(words: list[str]) -> str:
    return json.dumps(words, separators=(",", ":")) + "\n"


def _word(rng: random.Random, length: int, letters: str) -> str:
    return "".join(rng.choice(letters) for _ in range(length))


def _shuffled(rng: random.Random, word: str) -> str:
    chars = list(word)
    rng.shuffle(chars)
    return "".join(chars)


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case(["a"]),
        _case(["a", "a"]),
        _case(["a", "b"]),
        _case(["aab", "abb", "bab", "aba"]),
        _case(["abc", "cba", "bca", "cab", "acb", "bac"]),
        _case(["zzzzzzzzzz"] * 5),
        _case(["ab", "abc", "ba", "cab", "a", "b"]),
        _case(["aabb", "ab", "abab", "bbaa", "ba"]),
        _case([_word(rng, 10, string.ascii_lowercase) for _ in range(500)]),
    ]
    for _ in range(6):
        words = [_word(rng, rng.randint(1, 3), "ab") for _ in range(rng.randint(2, 15))]
        tests.append(_case(words))
    for _ in range(3):
        bases = [_word(rng, rng.randint(1, 10), string.ascii_lowercase) for _ in range(rng.randint(20, 200))]
        words = [_shuffled(rng, rng.choice(bases)) for _ in range(rng.randint(500, 3000))]
        tests.append(_case(words))
    words = [_word(rng, rng.randint(3, 6), "abc") for _ in range(2000)]
    tests.append(_case(words))
    n = 2 * 10**4
    tests.append(_case([_word(rng, rng.randint(1, 5), "abcdefgh") for _ in range(n)]))
    bases = [_word(rng, 6, "aabcd") for _ in range(40)]
    tests.append(_case([_shuffled(rng, rng.choice(bases)) for _ in range(n)]))
    return tests
