import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, t = int(data[0]), int(data[1])
    a = list(map(int, data[2:2 + n]))
    streaks = 0
    for l in range(n):
        s = 0
        for r in range(l, n):
            s += a[r] - t
            if s == 0:
                streaks += 1
    print(streaks)


main()
