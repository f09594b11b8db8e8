import sys


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    scores = list(map(int, data[1:1 + n]))
    order = sorted(range(n), key=lambda i: -scores[i])
    place = [0] * n
    for position, i in enumerate(order, 1):
        place[i] = position  # ties get different places
    print(" ".join(map(str, place)))


main()
