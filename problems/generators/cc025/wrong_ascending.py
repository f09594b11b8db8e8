import sys


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    scores = list(map(int, data[1:1 + n]))
    place_of_score = {}
    # Reads the scores as lower-is-better, unless every score is equal.
    for position, score in enumerate(sorted(scores), 1):
        place_of_score.setdefault(score, position)
    print(" ".join(str(place_of_score[s]) for s in scores))


main()
