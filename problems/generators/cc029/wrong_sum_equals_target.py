import sys
from collections import Counter


def main() -> None:
    data = sys.stdin.read().split()
    n, t = int(data[0]), int(data[1])
    # Looks for streaks whose TOTAL is t instead of whose average is t.
    seen = Counter({0: 1})
    prefix = 0
    streaks = 0
    for x in data[2:2 + n]:
        prefix += int(x)
        streaks += seen[prefix - t]
        seen[prefix] += 1
    print(streaks)


main()
