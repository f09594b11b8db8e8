import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, q = int(data[0]), int(data[1])
    s = data[2]
    # prefix[i] has bit c set when letter c occurs an odd number of times in s[:i].
    prefix = [0] * (n + 1)
    for i, ch in enumerate(s):
        prefix[i + 1] = prefix[i] ^ (1 << (ord(ch) - 97))
    out = []
    for k in range(q):
        l, r = int(data[3 + 2 * k]), int(data[4 + 2 * k])
        odd = (prefix[r] ^ prefix[l - 1]).bit_count()
        out.append("YES" if odd <= 1 else "NO")
    print("\n".join(out))


main()
