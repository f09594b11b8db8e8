import json
import random

EXAMPLES = [
    '"abcabcab"\n',
    '"aaaa"\n',
    '"abcd"\n',
]


def _case(banner: str) -> str:
    return json.dumps(banner) + "\n"


def _cut_repeat(rng: random.Random, pattern: str, n: int) -> str:
    return (pattern * (n // len(pattern) + 1))[:n]


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case("z"),
        _case("zz"),
        _case("zy"),
        _case("aba"),
        _case("abab"),
        _case("abaab"),
        _case("aabaab" + "a"),
        _case("aabaabaa"),
        _case("abcabcabd"),
        _case("a" * 20 + "b"),
        _case("b" + "a" * 20),
    ]
    for _ in range(10):
        pattern = "".join(rng.choice("ab" if rng.random() < 0.5 else "abc") for _ in range(rng.randint(1, 12)))
        tests.append(_case(_cut_repeat(rng, pattern, rng.randint(1, 120))))
    tests.append(_case("a" * 99_999 + "b"))  # the answer is the whole banner, found only at the very end
    pattern = "".join(rng.choice("ab") for _ in range(997))
    tests.append(_case(_cut_repeat(rng, pattern, 100_000)))
    tests.append(_case("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(50_000))))
    return tests
