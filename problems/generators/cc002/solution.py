import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    rain = [0] * (n + 1)
    dry = [0] * (n + 1)
    for i in range(n):
        value = int(data[2 + i])
        rain[i + 1] = rain[i] + value
        dry[i + 1] = dry[i] + (value == 0)
    out = []
    pos = 2 + n
    for _ in range(q):
        l, r = int(data[pos]), int(data[pos + 1])
        pos += 2
        out.append(f"{rain[r] - rain[l - 1]} {dry[r] - dry[l - 1]}")
    print("\n".join(out))


main()
