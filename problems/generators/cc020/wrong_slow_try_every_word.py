import sys


def main() -> None:
    # correct, but tries every code word at every position: O(|s| * k)
    data = sys.stdin.read().split()
    s, k = data[0], int(data[1])
    words = [(data[2 + 2 * i], int(data[3 + 2 * i])) for i in range(k)]
    n = len(s)
    inf = float("inf")
    best = [inf] * (n + 1)
    best[0] = 0
    for i in range(n):
        if best[i] == inf:
            continue
        for word, cost in words:
            if s.startswith(word, i) and best[i] + cost < best[i + len(word)]:
                best[i + len(word)] = best[i] + cost
    print(-1 if best[n] == inf else best[n])


main()
