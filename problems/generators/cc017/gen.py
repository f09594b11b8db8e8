import random

EXAMPLES = [
    "3\n1\n6\n10\n",
    "1\n100\n",
]

TOP = 10**11


def _case(values: list[int]) -> str:
    return f"{len(values)}\n" + "".join(f"{n}\n" for n in values)


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case([1]),
        _case([2, 3, 4]),
        _case([8, 9, 10]),
        _case([15, 16, 17]),
        _case([TOP]),
        _case([316227 ** 2, 316227 ** 2 - 1, 316227 ** 2 + 1]),  # around the largest square below 10^11
        _case([99_999_999_999, 10**10, 10**10 - 1]),
        _case([rng.randint(1, 50) for _ in range(5)]),
    ]
    for _ in range(12):
        top = rng.choice([1000, 10**6, 10**9, TOP])
        tests.append(_case([rng.randint(1, top) for _ in range(rng.randint(1, 5))]))
    tests.append(_case([TOP - rng.randint(0, 10**6) for _ in range(5)]))
    tests.append(_case([TOP] * 5))
    k = rng.randint(200_000, 316_227)
    tests.append(_case([k * k, k * k - 1, k * (k + 1), k * (k + 1) - 1, TOP]))
    return tests
