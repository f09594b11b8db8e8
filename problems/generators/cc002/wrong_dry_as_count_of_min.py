import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    rain = [0] * (n + 1)
    for i in range(n):
        rain[i + 1] = rain[i] + a[i]
    out = []
    pos = 2 + n
    for _ in range(q):
        l, r = int(data[pos]), int(data[pos + 1])
        pos += 2
        total = rain[r] - rain[l - 1]
        # bug: assumes a span with no rain at all is the only case with dry days
        out.append(f"{total} {r - l + 1 if total == 0 else 0}")
    print("\n".join(out))


main()
