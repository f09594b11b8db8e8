import sys


def main() -> None:
    # Correct, but rescans the span for every question: O(n * q).
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    out = []
    pos = 2 + n
    for _ in range(q):
        l, r = int(data[pos]), int(data[pos + 1])
        pos += 2
        span = a[l - 1:r]
        out.append(f"{sum(span)} {span.count(0)}")
    print("\n".join(out))


main()
