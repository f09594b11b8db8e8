import sys
from collections import deque


def main() -> None:
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    grid = "".join(data[2:2 + n])
    size = n * m
    dist = [-1] * size
    queue = deque()
    for cell in range(size):
        if grid[cell] == "W":
            dist[cell] = 0
            queue.append(cell)
    # one breadth-first search from all water holes at once
    while queue:
        cell = queue.popleft()
        row, col = divmod(cell, m)
        step = dist[cell] + 1
        for nxt, ok in ((cell - m, row > 0), (cell + m, row < n - 1), (cell - 1, col > 0), (cell + 1, col < m - 1)):
            if ok and dist[nxt] < 0 and grid[nxt] != "#":
                dist[nxt] = step
                queue.append(nxt)
    worst = -1
    unreachable = 0
    for cell in range(size):
        if grid[cell] == ".":
            if dist[cell] < 0:
                unreachable += 1
            elif dist[cell] > worst:
                worst = dist[cell]
    print(worst, unreachable)


main()
