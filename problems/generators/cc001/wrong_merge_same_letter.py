import sys
from collections import Counter


def main() -> None:
    # bug: counts letters, not maximal blocks, so "aabaa" looks like one burst of four
    data = sys.stdin.read().split()
    k, s = int(data[0]), data[1]
    counts = Counter(s)
    count = sum(1 for n in counts.values() if n >= k)
    best_len = max(counts.values())
    best_char = next(c for c in s if counts[c] == best_len)
    print(count, best_char, best_len)


main()
