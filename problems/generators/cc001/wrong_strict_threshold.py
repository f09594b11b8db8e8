import sys
from itertools import groupby


def main() -> None:
    data = sys.stdin.read().split()
    k, s = int(data[0]), data[1]
    runs = [(c, len(list(g))) for c, g in groupby(s)]
    count = sum(1 for _, n in runs if n > k)  # bug: "at least k" read as "more than k"
    best_char, best_len = max(runs, key=lambda r: r[1])
    print(count, best_char, best_len)


main()
