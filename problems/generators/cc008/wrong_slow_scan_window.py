import sys


def main() -> None:
    # correct, but takes the minimum over the whole window for every day: O(n * k)
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    cost = [0] + a + [0]
    lost = [0] * (n + 2)
    for i in range(1, n + 2):
        lost[i] = cost[i] + min(lost[max(0, i - k - 1):i])
    print(sum(a) - lost[n + 1])


main()
