import sys

MOD = 1_000_000_007


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    cracked = set(map(int, data[2:2 + m]))
    ways = [0] * (n + 1)
    ways[0] = 1
    for i in range(1, n + 1):
        if i not in cracked:
            # Forgets the rule about two jumps of 3 in a row.
            ways[i] = sum(ways[j] for j in (i - 1, i - 2, i - 3) if j >= 0) % MOD
    print(ways[n])


main()
