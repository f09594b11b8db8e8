import sys


def main() -> None:
    n, m = map(int, sys.stdin.read().split())
    count = 0
    for x in range(1, n + 1):
        s = str(x)
        if sum(map(int, s)) % m == 0 and all(a != b for a, b in zip(s, s[1:])):
            count += 1
    print(count)


main()
