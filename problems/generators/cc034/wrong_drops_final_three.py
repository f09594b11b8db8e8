import sys

MOD = 1_000_000_007


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    cracked = set(map(int, data[2:2 + m]))
    after_short = [0] * (n + 1)
    after_three = [0] * (n + 1)
    after_short[0] = 1
    for i in range(1, n + 1):
        if i in cracked:
            continue
        after_short[i] = (after_short[i - 1] + after_three[i - 1]) % MOD
        if i >= 2:
            after_short[i] = (after_short[i] + after_short[i - 2] + after_three[i - 2]) % MOD
        if i >= 3:
            after_three[i] = after_short[i - 3]
    print(after_short[n] % MOD)  # drops the ways that end with a jump of 3


main()
