import random

EXAMPLES = [
    "10\n10\n",
    "5\n12\n",
    "100\n16\n",
]

BIG_PRIME = 999999999989  # the largest prime below 10^12
PRIME_NEAR_MILLION = 999983


def _case(n: int, b: int) -> str:
    return f"{n}\n{b}\n"


def generate(rng: random.Random) -> list[str]:
    top = 10**18
    tests = [
        _case(1, 2),
        _case(1, 10**12),
        _case(2, 2),
        _case(3, 4),
        _case(4, 4),
        _case(6, 12),
        _case(24, 8),
        _case(25, 10),
        _case(1000, 9),
        _case(BIG_PRIME - 1, BIG_PRIME),
        _case(top, BIG_PRIME),
        _case(top, PRIME_NEAR_MILLION**2),
        _case(top, 2**39),
        _case(top, 10**12),
        _case(top, 2),
        _case(top, 720720),
        _case(10**6, 2 * 3**20),
    ]
    for _ in range(4):
        tests.append(_case(rng.randint(1, 200), rng.randint(2, 60)))
    for _ in range(3):
        tests.append(_case(rng.randint(1, top), rng.randint(2, 10**12)))
    for _ in range(2):
        p, q = rng.choice([2, 3, 5, 7]), rng.choice([11, 13, 101, 997])
        tests.append(_case(rng.randint(10**15, top), p ** rng.randint(5, 12) * q ** rng.randint(1, 3)))
    return tests
