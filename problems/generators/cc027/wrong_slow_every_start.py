import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, d = int(data[0]), int(data[1])
    temps = list(map(int, data[2:2 + n]))
    best = 0
    for start in range(n):
        hi = lo = temps[start]
        end = start
        while end < n:
            t = temps[end]
            if t > hi:
                hi = t
            if t < lo:
                lo = t
            if hi - lo > d:
                break
            end += 1
        best = max(best, end - start)
    print(best)


main()
