import sys
from math import gcd


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    a = list(map(int, data[1:1 + n]))
    # prefix[i] = gcd(a[:i]), suffix[i] = gcd(a[i:]); gcd(0, x) = x, so 0 is the neutral start.
    prefix = [0] * (n + 1)
    suffix = [0] * (n + 1)
    for i in range(n):
        prefix[i + 1] = gcd(prefix[i], a[i])
    for i in range(n - 1, -1, -1):
        suffix[i] = gcd(suffix[i + 1], a[i])
    print(max(gcd(prefix[i], suffix[i + 1]) for i in range(n)))


main()
