import sys


def shapes(n: int) -> int:
    # correct, but walks every shape one by one: about n log n / 2 steps
    count = 0
    w = 1
    while w * w <= n:
        h = w
        while w * h <= n:
            count += 1
            h += 1
        w += 1
    return count


def main() -> None:
    data = sys.stdin.read().split()
    t = int(data[0])
    print("\n".join(str(shapes(int(x))) for x in data[1:1 + t]))


main()
