import random

EXAMPLES = [
    "abcabc\n",
    "aabbcc\n",
    "ccc\n",
]


def generate(rng: random.Random) -> list[str]:
    tests = ["a\n", "abc\n", "cba\n", "ab\n", "aaabbbccc\n", "abcabcabc\n", "acbbcaab\n", "bbbbbb\n",
             "abcaabbcc\n", "cabcab\n"]
    for _ in range(12):
        n = rng.randint(1, 200)
        weights = [rng.randint(1, 5) for _ in range(3)]
        tests.append("".join(rng.choices("abc", weights=weights, k=n)) + "\n")
    n = 100_000
    tests.append("".join(rng.choice("abc") for _ in range(n)) + "\n")
    tests.append("abc" * (n // 3) + "a\n")  # about n^2 / 18 balanced stretches
    tests.append("".join(rng.choice(("abc", "bca", "cab", "acb")) for _ in range(n // 3)) + "\n")
    return tests
