import heapq
import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    adj = [[] for _ in range(n + 1)]
    for j in range(m):
        u, v, w = int(data[2 + 3 * j]), int(data[3 + 3 * j]), int(data[4 + 3 * j])
        adj[u].append((v, w))
        adj[v].append((u, w))
    # Dijkstra over states (town, voucher used?): state index 2*town + used
    inf = float("inf")
    dist = [inf] * (2 * n + 2)
    dist[2] = 0
    heap = [(0, 2)]
    while heap:
        d, state = heapq.heappop(heap)
        if d > dist[state]:
            continue
        town, used = divmod(state, 2)
        for nxt, w in adj[town]:
            options = [(d + w, 2 * nxt + used)]
            if not used:
                options.append((d, 2 * nxt + 1))  # spend the voucher on this road
            for nd, ns in options:
                if nd < dist[ns]:
                    dist[ns] = nd
                    heapq.heappush(heap, (nd, ns))
    best = min(dist[2 * n], dist[2 * n + 1])
    print(-1 if best == inf else best)


main()
