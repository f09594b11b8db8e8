import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, r = int(data[0]), int(data[1])
    houses = [int(x) for x in data[2:2 + n]]  # bug: forgets to sort the houses
    lanterns = 0
    lit_from, lit_until = 1, 0
    for x in houses:
        if not lit_from <= x <= lit_until:
            lanterns += 1
            lit_from, lit_until = x, x + 2 * r
    print(lanterns)


main()
