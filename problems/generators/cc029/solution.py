import sys
from collections import Counter


def main() -> None:
    data = sys.stdin.read().split()
    n, t = int(data[0]), int(data[1])
    # Average t over l..r  <=>  the shifted values a_i - t sum to zero over l..r
    # <=>  two prefix sums of the shifted values are equal.
    seen = Counter({0: 1})
    prefix = 0
    streaks = 0
    for x in data[2:2 + n]:
        prefix += int(x) - t
        streaks += seen[prefix]
        seen[prefix] += 1
    print(streaks)


main()
