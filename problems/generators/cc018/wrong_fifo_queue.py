import sys
from collections import deque


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    after = [[] for _ in range(n + 1)]
    waiting = [0] * (n + 1)
    for j in range(m):
        a, b = int(data[2 + 2 * j]), int(data[3 + 2 * j])
        after[a].append(b)
        waiting[b] += 1
    ready = deque(c for c in range(1, n + 1) if waiting[c] == 0)  # bug: FIFO, not smallest first
    order = []
    while ready:
        course = ready.popleft()
        order.append(course)
        for nxt in after[course]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)
    print(" ".join(map(str, order)) if len(order) == n else "IMPOSSIBLE")


main()
