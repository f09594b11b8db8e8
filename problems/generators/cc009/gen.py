import random

EXAMPLES = [
    "3\n1 10 2 3\n6 6 4 6\n5 20 4 6\n",
    "1\n7 7 5 5\n",
]

BIG = 10**18


def _case(questions: list[tuple[int, int, int, int]]) -> str:
    return f"{len(questions)}\n" + "\n".join(" ".join(map(str, q)) for q in questions) + "\n"


def _question(rng: random.Random, top: int) -> tuple[int, int, int, int]:
    left, right = sorted((rng.randint(1, top), rng.randint(1, top)))
    shape = rng.random()
    if shape < 0.3:  # bells sharing a big common factor: lcm far below a*b
        g = rng.randint(2, max(2, int(top ** 0.4)))
        a, b = g * rng.randint(1, 50), g * rng.randint(1, 50)
    elif shape < 0.6:
        a, b = rng.randint(1, max(1, top // 1000)), rng.randint(1, max(1, top // 1000))
    else:
        a, b = rng.randint(1, top), rng.randint(1, top)
    return left, right, a, b


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case([(1, 1, 1, 1)]),
        _case([(1, 1, 2, 3)]),
        _case([(BIG, BIG, BIG, BIG)]),
        _case([(1, BIG, 1, 1)]),
        _case([(1, BIG, BIG, BIG - 1)]),
        _case([(12, 12, 4, 6), (13, 23, 4, 6), (12, 24, 4, 6)]),
        _case([(1, BIG, 2, 3), (1, BIG, 6, 4), (BIG - 5, BIG, 3, 7)]),
        _case([(10**17, 9 * 10**17, 999_999_937, 999_999_929)]),
        _case([(1, BIG, 10**9, 10**9 + 1), (1, BIG, 2 * 10**9, 3 * 10**9)]),
    ]
    for _ in range(12):
        top = rng.choice([30, 10**6, BIG])
        tests.append(_case([_question(rng, top) for _ in range(rng.randint(1, 30))]))
    tests.append(_case([_question(rng, BIG) for _ in range(1000)]))
    tests.append(_case([_question(rng, 10**12) for _ in range(1000)]))
    return tests
