import sys


def shapes(n: int) -> int:
    # bug: counts a 2 x 3 and a 3 x 2 sample as two shapes (sum of n // w over every w)
    total = 0
    w = 1
    while w <= n:
        q = n // w
        last = n // q  # every w in [w, last] has the same n // w
        total += q * (last - w + 1)
        w = last + 1
    return total


def main() -> None:
    data = sys.stdin.read().split()
    t = int(data[0])
    print("\n".join(str(shapes(int(x))) for x in data[1:1 + t]))


main()
