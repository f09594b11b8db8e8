import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, r = int(data[0]), int(data[1])
    houses = sorted(int(x) for x in data[2:2 + n])
    lanterns = 0
    lit_until = -1  # every house at a position <= lit_until is lit
    for x in houses:
        if x > lit_until:
            # the leftmost dark house must be lit; pushing the lantern as far right as possible helps most
            lanterns += 1
            lit_until = x + 2 * r
    print(lanterns)


main()
