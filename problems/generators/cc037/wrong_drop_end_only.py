import sys
from math import gcd


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    a = list(map(int, data[1:1 + n]))
    without_first = without_last = 0
    for x in a[1:]:
        without_first = gcd(without_first, x)
    for x in a[:-1]:
        without_last = gcd(without_last, x)
    print(max(without_first, without_last))  # only tries the first and the last rod


main()
