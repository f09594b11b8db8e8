import sys

MOD = 1_000_000_007


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    cracked = set(map(int, data[2:2 + m]))
    ways = [0] * (n + 1)
    reached_by_three = [False] * (n + 1)
    ways[0] = 1
    for i in range(1, n + 1):
        if i in cracked:
            continue
        total = ways[i - 1] + (ways[i - 2] if i >= 2 else 0)
        # Forbids every jump of 3 out of a step that SOME way reached with a 3,
        # instead of only those ways.
        if i >= 3 and not reached_by_three[i - 3]:
            total += ways[i - 3]
            reached_by_three[i] = ways[i - 3] > 0
        ways[i] = total % MOD
    print(ways[n])


main()
