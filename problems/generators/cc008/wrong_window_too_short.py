import sys
from collections import deque


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    cost = [0] + a + [0]
    lost = [0] * (n + 2)
    window = deque([0])
    for i in range(1, n + 2):
        while window[0] < i - k:  # bug: rest days at most k apart allows only k-1 training days in a row
            window.popleft()
        lost[i] = cost[i] + lost[window[0]]
        while window and lost[window[-1]] >= lost[i]:
            window.pop()
        window.append(i)
    print(sum(a) - lost[n + 1])


main()
