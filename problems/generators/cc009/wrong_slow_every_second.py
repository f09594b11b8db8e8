import sys


def main() -> None:
    # correct, but looks at every second of the span
    data = sys.stdin.read().split()
    t = int(data[0])
    out = []
    for i in range(t):
        left, right, a, b = map(int, data[1 + 4 * i:5 + 4 * i])
        out.append(sum(1 for s in range(left, right + 1) if s % a == 0 or s % b == 0))
    print("\n".join(map(str, out)))


main()
