import sys


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    scores = list(map(int, data[1:1 + n]))
    # Counts distinct better scores instead of better climbers (1, 1, 2 instead of 1, 1, 3).
    distinct = sorted(set(scores), reverse=True)
    place = {s: i + 1 for i, s in enumerate(distinct)}
    print(" ".join(str(place[s]) for s in scores))


main()
