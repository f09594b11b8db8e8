import sys


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    scores = list(map(int, data[1:1 + n]))
    place_of_score = {}
    for position, score in enumerate(sorted(scores, reverse=True), 1):
        # The first time a score appears in the descending order is its shared place.
        place_of_score.setdefault(score, position)
    print(" ".join(str(place_of_score[s]) for s in scores))


main()
