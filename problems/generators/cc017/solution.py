import sys
from math import isqrt


def shapes(n: int) -> int:
    # the narrow side w is at most sqrt(n); for each w the long side h runs from w to n // w,
    # which is n // w - w + 1 shapes
    r = isqrt(n)
    return sum(n // w for w in range(1, r + 1)) - r * (r + 1) // 2 + r


def main() -> None:
    data = sys.stdin.read().split()
    t = int(data[0])
    print("\n".join(str(shapes(int(x))) for x in data[1:1 + t]))


main()
