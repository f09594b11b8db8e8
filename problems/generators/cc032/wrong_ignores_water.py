import sys
from collections import deque


def main() -> None:
    data = sys.stdin.read().split()
    h, w = int(data[0]), int(data[1])
    grid = "".join(data[2:2 + h])
    start, exit_ = grid.index("S"), grid.index("E")
    # Plain shortest path that treats springs as rock but forgets that the water spreads.
    dist = [-1] * (h * w)
    dist[start] = 0
    queue = deque([start])
    while queue:
        i = queue.popleft()
        r, c = divmod(i, w)
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < h and 0 <= nc < w:
                j = nr * w + nc
                if dist[j] == -1 and grid[j] not in "#~":
                    dist[j] = dist[i] + 1
                    queue.append(j)
    print(dist[exit_])


main()
