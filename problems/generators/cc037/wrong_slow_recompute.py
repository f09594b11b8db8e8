import sys
from math import gcd


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    a = list(map(int, data[1:1 + n]))
    best = 0
    for skip in range(n):
        g = 0
        for i in range(n):
            if i != skip:
                g = gcd(g, a[i])
        best = max(best, g)
    print(best)


main()
