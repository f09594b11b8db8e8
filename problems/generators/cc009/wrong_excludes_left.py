import sys
from math import lcm


def rings_up_to(x: int, a: int, b: int) -> int:
    return x // a + x // b - x // lcm(a, b)


def main() -> None:
    data = sys.stdin.read().split()
    t = int(data[0])
    out = []
    for i in range(t):
        left, right, a, b = map(int, data[1 + 4 * i:5 + 4 * i])
        out.append(rings_up_to(right, a, b) - rings_up_to(left, a, b))  # bug: drops second L itself
    print("\n".join(map(str, out)))


main()
