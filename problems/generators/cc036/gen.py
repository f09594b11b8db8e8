import random

EXAMPLES = [
    "30 3\n",
    "1000 10\n",
    "7 1\n",
]


def generate(rng: random.Random) -> list[str]:
    tests = ["1 1\n", "9 1\n", "10 1\n", "11 1\n", "1 2\n", "99 9\n", "100 1\n", "101 2\n",
             "1000000000000000000 1\n", "1000000000000000000 100\n", "999999999999999999 97\n",
             "121212121212121212 3\n", "110 2\n", "909 18\n"]
    for _ in range(4):
        tests.append(f"{rng.randint(1, 3000)} {rng.randint(1, 12)}\n")
    for _ in range(3):
        tests.append(f"{rng.randint(10**5, 10**9)} {rng.randint(1, 100)}\n")
    for m in (1, 7, 100):
        tests.append(f"{rng.randint(10**17, 10**18)} {m}\n")
    tests.append(f"{rng.randint(10**17, 10**18)} {rng.randint(2, 100)}\n")
    return tests
