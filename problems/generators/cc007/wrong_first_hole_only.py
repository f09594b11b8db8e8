import sys
from collections import deque


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    grid = "".join(data[2:2 + n])
    size = n * m
    dist = [-1] * size
    queue = deque()
    first = grid.find("W")
    if first >= 0:  # bug: searches from the first water hole only
        dist[first] = 0
        queue.append(first)
    while queue:
        cell = queue.popleft()
        row, col = divmod(cell, m)
        for nxt, ok in ((cell - m, row > 0), (cell + m, row < n - 1), (cell - 1, col > 0), (cell + 1, col < m - 1)):
            if ok and dist[nxt] < 0 and grid[nxt] != "#":
                dist[nxt] = dist[cell] + 1
                queue.append(nxt)
    land = [dist[c] for c in range(size) if grid[c] == "."]
    reached = [d for d in land if d >= 0]
    print(max(reached) if reached else -1, len(land) - len(reached))


main()
