import sys

MOD = 1_000_000_007


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    cracked = set(map(int, data[2:2 + m]))
    # after_short[i]: ways to stand on step i whose last jump was 1 or 2 (or no jump yet, for step 0);
    # after_three[i]: ways whose last jump was 3 (the next jump must not be 3).
    after_short = [0] * (n + 1)
    after_three = [0] * (n + 1)
    after_short[0] = 1
    for i in range(1, n + 1):
        if i in cracked:
            continue
        short = 0
        for j in (i - 1, i - 2):
            if j >= 0:
                short += after_short[j] + after_three[j]
        after_short[i] = short % MOD
        if i >= 3:
            after_three[i] = after_short[i - 3]
    print((after_short[n] + after_three[n]) % MOD)


main()
