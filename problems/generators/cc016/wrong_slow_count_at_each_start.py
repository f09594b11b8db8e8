import sys


def main() -> None:
    # correct, but counts the shifts covering every start minute: O(n^2)
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    shifts = [(int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(n)]
    best, when = 0, 0
    for x in sorted(s for s, _ in shifts):
        count = 0
        for s, e in shifts:
            if s <= x < e:
                count += 1
        if count > best:
            best, when = count, x
    print(best, when)


main()
