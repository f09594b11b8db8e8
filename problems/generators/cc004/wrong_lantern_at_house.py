import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, r = int(data[0]), int(data[1])
    houses = sorted(int(x) for x in data[2:2 + n])
    lanterns = 0
    lit_until = -1
    for x in houses:
        if x > lit_until:
            lanterns += 1
            lit_until = x + r  # bug: hangs the lantern at the dark house, wasting half its reach
    print(lanterns)


main()
