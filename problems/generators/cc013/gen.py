import json
import random

EXAMPLES = [
    "[170, 160, 165, 181, 158]\n5\n",
    "[150, 150, 150]\n0\n",
    "[100, 103, 104, 106]\n2\n",
]


def _case(heights: list[int], d: int) -> str:
    return f"{json.dumps(heights)}\n{d}\n"


def generate(rng: random.Random) -> list[str]:
    tests = [
        _case([170], 10),
        _case([170, 171], 0),
        _case([170, 171], 1),
        _case([1, 10**6], 10**6),
        _case([1, 10**6], 10**6 - 2),
        _case([5, 5, 5, 5, 5], 0),
        _case([1, 3, 4, 6], 2),
        _case([10, 12, 14, 16, 18, 20], 2),
        _case([20, 18, 16, 14, 12, 10, 11], 1),
        _case([1, 2, 3, 4, 5, 6, 7, 8, 9], 0),
    ]
    for _ in range(12):
        n = rng.randint(1, 80)
        top = rng.choice([20, 300, 10**6])
        heights = [rng.randint(1, top) for _ in range(n)]
        tests.append(_case(heights, rng.randint(0, max(1, top // rng.choice([4, 30, 1000])))))
    n = 20_000
    tests.append(_case([rng.randint(1, 10**6) for _ in range(n)], 40))
    # clusters of three evenly spaced heights: closest-first pairing leaves students stranded
    chain = []
    for base in range(1, 10**6 - 10, 200):
        if len(chain) >= n:
            break
        chain += [base, base + 4, base + 5, base + 9]
    rng.shuffle(chain)
    tests.append(_case(chain[:n], 4))
    tests.append(_case([rng.randint(1, 10**6) for _ in range(n)], 10**6))
    return tests
