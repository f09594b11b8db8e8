import sys
from collections import deque


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    # Choose the rest days instead: day 0 and day n+1 are free virtual rest days, and two consecutive rest
    # days may be at most k+1 apart. lost[i] = least total given up if day i is a rest day.
    cost = [0] + a + [0]
    lost = [0] * (n + 2)
    window = deque([0])  # indices of candidate previous rest days, increasing lost[] values
    for i in range(1, n + 2):
        while window[0] < i - k - 1:
            window.popleft()
        lost[i] = cost[i] + lost[window[0]]
        while window and lost[window[-1]] >= lost[i]:
            window.pop()
        window.append(i)
    print(sum(a) - lost[n + 1])


main()
