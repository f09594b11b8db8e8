import sys


def main() -> None:
    data = sys.stdin.read().split()
    s, q = int(data[1]), int(data[2])
    floor = s
    distance = 0
    reversals = 0
    direction = 0  # +1 up, -1 down, 0 before the first movement
    for r in map(int, data[3:3 + q]):
        if r == floor:
            continue  # no movement: the previous direction is still the one that counts
        step = 1 if r > floor else -1
        if direction and step != direction:
            reversals += 1
        direction = step
        distance += abs(r - floor)
        floor = r
    print(distance, reversals)


main()
