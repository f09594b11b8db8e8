import random

EXAMPLES = [
    "2\naaabccdddd\n",
    "3\nxyz\n",
    "2\nbbaabb\n",
]


def _runs(rng: random.Random, n: int, letters: str, max_run: int) -> str:
    out = []
    total = 0
    while total < n:
        run = min(n - total, rng.randint(1, max_run))
        out.append(rng.choice(letters) * run)
        total += run
    return "".join(out)


def generate(rng: random.Random) -> list[str]:
    tests = [
        "1\na\n",
        "2\na\n",
        "1\nabcdefghijklmnopqrstuvwxyz\n",
        "5\naaaaa\n",
        "6\naaaaa\n",
        "2\nabba\n",
        "3\naaabbbaaa\n",
        "2\naabaa\n",
        "3\nzzzyyyzzzz\n",
        "1\nqqqqwqqqq\n",
        "4\nbbbbccccbbbb\n",
    ]
    for _ in range(11):
        n = rng.randint(5, 300)
        letters = "".join(rng.sample("abcdefghijklmnopqrstuvwxyz", rng.randint(1, 4)))
        s = _runs(rng, n, letters, rng.randint(1, 8))
        tests.append(f"{rng.randint(1, 6)}\n{s}\n")
    n = 100_000
    tests.append(f"3\n{_runs(rng, n, 'ab', 6)}\n")
    tests.append(f"100000\n{'m' * n}\n")
    tests.append(f"1\n{''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(n))}\n")
    # two equally long longest bursts far apart: the first one must be reported
    half = "k" * 50 + _runs(rng, n // 2, "abc", 5) + "w" * 50 + _runs(rng, n // 2 - 200, "abc", 5) + "k" * 50
    tests.append(f"10\n{half}\n")
    return tests
