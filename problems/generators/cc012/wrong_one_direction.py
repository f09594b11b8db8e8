import heapq
import sys


def dijkstra(adj: list, source: int) -> list:
    dist = [float("inf")] * len(adj)
    dist[source] = 0
    heap = [(0, source)]
    while heap:
        d, town = heapq.heappop(heap)
        if d > dist[town]:
            continue
        for nxt, w in adj[town]:
            if d + w < dist[nxt]:
                dist[nxt] = d + w
                heapq.heappush(heap, (d + w, nxt))
    return dist


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    adj = [[] for _ in range(n + 1)]
    roads = []
    for j in range(m):
        u, v, w = int(data[2 + 3 * j]), int(data[3 + 3 * j]), int(data[4 + 3 * j])
        adj[u].append((v, w))
        adj[v].append((u, w))
        roads.append((u, v))
    from_start, from_end = dijkstra(adj, 1), dijkstra(adj, n)
    best = from_start[n]
    for u, v in roads:
        best = min(best, from_start[u] + from_end[v])  # bug: forgets to drive the free road from v to u
    print(-1 if best == float("inf") else best)


main()
