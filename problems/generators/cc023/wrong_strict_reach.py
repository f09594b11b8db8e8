import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, r = int(data[0]), int(data[1])
    huts = sorted(map(int, data[2:2 + n]))
    count = 0
    lit_until = None
    for x in huts:
        if lit_until is None or x >= lit_until:  # treats the edge of the light as dark
            count += 1
            lit_until = x + 2 * r
    print(count)


main()
