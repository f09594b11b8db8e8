import json
import random

EXAMPLES = [
    "[1, 4, 2, 7, 3]\n5\n8\n",
    "[-3, 3, 0]\n0\n0\n",
    "[5]\n-10\n10\n",
]


def _case(nums: list[int], lo: int, hi: int) -> str:
    return f"{json.dumps(nums, separators=(',', ':'))}\n{lo}\n{hi}\n"


def _window(rng: random.Random, nums: list[int]) -> tuple[int, int]:
    a, b = rng.choice(nums) + rng.choice(nums), rng.choice(nums) + rng.choice(nums)
    return min(a, b), max(a, b)


def generate(rng: random.Random) -> list[str]:
    big = 10**9
    tests = [
        _case([0], 0, 0),
        _case([1, 1], 2, 2),
        _case([1, 1], 3, 5),
        _case([big, big], 2 * big, 2 * big),
        _case([-big, -big, big], -2 * big, 2 * big),
        _case([2, 2, 2, 2], 4, 4),
        _case([2, 2, 2, 2], 5, 9),
        _case([-1, 0, 1, 2, -2], -1, 1),
        _case([5, 1, 5, 1], 6, 6),
    ]
    for _ in range(6):
        nums = [rng.randint(-5, 5) for _ in range(rng.randint(2, 12))]
        tests.append(_case(nums, *_window(rng, nums)))
    for _ in range(4):
        nums = [rng.randint(-1000, 1000) for _ in range(rng.randint(200, 3000))]
        tests.append(_case(nums, *_window(rng, nums)))
    nums = [rng.randint(-big, big) for _ in range(3000)]
    tests.append(_case(nums, *_window(rng, nums)))
    n = 2 * 10**4
    nums = [rng.randint(-(10**5), 10**5) for _ in range(n)]
    tests.append(_case(nums, -(10**5), 10**5))
    nums = [rng.randint(0, 50) for _ in range(n)]
    tests.append(_case(nums, 40, 60))
    return tests
