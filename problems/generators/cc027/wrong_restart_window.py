import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, d = int(data[0]), int(data[1])
    temps = list(map(int, data[2:2 + n]))
    best = 0
    start = 0
    hi = lo = temps[0]
    for i, t in enumerate(temps):
        hi, lo = max(hi, t), min(lo, t)
        if hi - lo > d:
            # Throws the whole window away instead of shrinking it from the left.
            start, hi, lo = i, t, t
        best = max(best, i - start + 1)
    print(best)


main()
