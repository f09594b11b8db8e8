import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    text, spell = data[2], data[3]
    cost = [int(x) for x in data[4:4 + n]]
    inf = float("inf")
    best = [0] + [inf] * (m - 1)
    for ch, w in zip(text, cost):
        # bug: updates the states in place from left to right, so with a doubled letter in the spell
        # ("aa") one kept letter can advance the match twice
        for j in range(m):
            if spell[j] == ch:
                advanced = best[j]
                best[j] += w
                if j + 1 < m:
                    best[j + 1] = min(best[j + 1], advanced)
    print(min(best))


main()
