import sys
from collections import deque


def main() -> None:
    # correct, but runs a separate search from every land cell: O((n m)^2)
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    grid = "".join(data[2:2 + n])
    size = n * m
    worst = -1
    unreachable = 0
    for start in range(size):
        if grid[start] != ".":
            continue
        dist = {start: 0}
        queue = deque([start])
        found = -1
        while queue and found < 0:
            cell = queue.popleft()
            row, col = divmod(cell, m)
            for nxt, ok in ((cell - m, row > 0), (cell + m, row < n - 1), (cell - 1, col > 0),
                            (cell + 1, col < m - 1)):
                if ok and nxt not in dist and grid[nxt] != "#":
                    dist[nxt] = dist[cell] + 1
                    if grid[nxt] == "W":
                        found = dist[nxt]
                        break
                    queue.append(nxt)
        if found < 0:
            unreachable += 1
        else:
            worst = max(worst, found)
    print(worst, unreachable)


main()
