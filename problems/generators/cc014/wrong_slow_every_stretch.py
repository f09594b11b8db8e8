import sys


def main() -> None:
    # correct, but counts letters of every stretch: O(n^2)
    s = sys.stdin.readline().strip()
    n = len(s)
    total = 0
    for i in range(n):
        a = b = c = 0
        for j in range(i, n):
            ch = s[j]
            if ch == "a":
                a += 1
            elif ch == "b":
                b += 1
            else:
                c += 1
            if a == b == c:
                total += 1
    print(total)


main()
