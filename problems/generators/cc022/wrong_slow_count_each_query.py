import sys
from collections import Counter


def main() -> None:
    data = sys.stdin.read().split()
    q = int(data[1])
    s = data[2]
    out = []
    for k in range(q):
        l, r = int(data[3 + 2 * k]), int(data[4 + 2 * k])
        odd = sum(1 for c in Counter(s[l - 1:r]).values() if c % 2)
        out.append("YES" if odd <= 1 else "NO")
    print("\n".join(out))


main()
