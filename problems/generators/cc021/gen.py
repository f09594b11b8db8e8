import json
import random
import string

EXAMPLES = [
    json.dumps("abca") + "\n",
    json.dumps("az") + "\n",
    json.dumps("level") + "\n",
]


def _word(rng: random.Random, n: int, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def generate(rng: random.Random) -> list[str]:
    words = ["a", "ab", "za", "an", "ma", "zzzz", "abcba", "anna", "ayza", "mn" * 7]
    words += [_word(rng, rng.randint(2, 12)) for _ in range(6)]
    words += [_word(rng, rng.randint(20, 300), "amnz") for _ in range(3)]
    half = _word(rng, 500)
    words.append(half + half[::-1][:-1] + "q")  # palindrome except one end pair
    words += [_word(rng, rng.randint(1000, 5000)) for _ in range(3)]
    words.append(_word(rng, 100000))
    words.append(_word(rng, 99999, "az"))
    return [json.dumps(w) + "\n" for w in words]
