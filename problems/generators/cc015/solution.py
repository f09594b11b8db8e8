import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    text, spell = data[2], data[3]
    cost = [int(x) for x in data[4:4 + n]]
    inf = float("inf")
    # best[j]: least cost so far such that the kept letters, matched greedily against the spell, cover
    # exactly its first j letters (j < m always: reaching m would wake the curse)
    best = [0] + [inf] * (m - 1)
    where = {}
    for j, ch in enumerate(spell):
        where.setdefault(ch, []).append(j)
    for ch, w in zip(text, cost):
        states = where.get(ch)
        if not states:
            continue  # a letter the spell does not use never advances the match: keep it for free
        new = best[:]
        for j in states:
            new[j] = best[j] + w  # this letter would advance state j, so staying there means scraping it
        for j in states:
            if j + 1 < m:
                new[j + 1] = min(new[j + 1], best[j])  # keep it and advance (from the old state)
        best = new
    print(min(best))


main()
