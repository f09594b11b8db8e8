import sys
from math import lcm


def rings_up_to(x: int, a: int, b: int) -> int:
    # bug: floating point loses precision near 10^18
    return int(x / a) + int(x / b) - int(x / lcm(a, b))


def main() -> None:
    data = sys.stdin.read().split()
    t = int(data[0])
    out = []
    for i in range(t):
        left, right, a, b = map(int, data[1 + 4 * i:5 + 4 * i])
        out.append(rings_up_to(right, a, b) - rings_up_to(left - 1, a, b))
    print("\n".join(map(str, out)))


main()
