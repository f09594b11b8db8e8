import heapq
import sys


def main() -> None:
    # bug: takes the cheapest route first, then makes its priciest road free; a route with one very
    # expensive road can be better once that road is free
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    adj = [[] for _ in range(n + 1)]
    for j in range(m):
        u, v, w = int(data[2 + 3 * j]), int(data[3 + 3 * j]), int(data[4 + 3 * j])
        adj[u].append((v, w))
        adj[v].append((u, w))
    inf = float("inf")
    dist = [inf] * (n + 1)
    via = [(0, 0)] * (n + 1)  # (previous town, road cost)
    dist[1] = 0
    heap = [(0, 1)]
    while heap:
        d, town = heapq.heappop(heap)
        if d > dist[town]:
            continue
        for nxt, w in adj[town]:
            if d + w < dist[nxt]:
                dist[nxt] = d + w
                via[nxt] = (town, w)
                heapq.heappush(heap, (d + w, nxt))
    if dist[n] == inf:
        print(-1)
        return
    priciest = 0
    town = n
    while town != 1:
        town, w = via[town]
        priciest = max(priciest, w)
    print(dist[n] - priciest)


main()
