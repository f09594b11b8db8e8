import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    # bug: cuts the days into fixed blocks of k+1 and rests on the weakest day of each full block;
    # the best rest days need not line up with fixed blocks
    given_up = 0
    for start in range(0, n - k, k + 1):
        given_up += min(a[start:start + k + 1])
    print(sum(a) - given_up)


main()
