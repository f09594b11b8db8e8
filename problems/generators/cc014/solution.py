import sys


def main() -> None:
    s = sys.stdin.readline().strip()
    # A stretch s[i:j] is balanced iff the prefixes s[:i] and s[:j] have the same
    # (count_a - count_b, count_b - count_c); count equal keys with a dictionary.
    seen = {(0, 0): 1}
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
