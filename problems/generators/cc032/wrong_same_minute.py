import sys
from collections import deque


def main() -> None:
    data = sys.stdin.read().split()
    h, w = int(data[0]), int(data[1])
    grid = "".join(data[2:2 + h])
    cells = h * w
    never = cells + 1  # later than any possible arrival
    flood = [never] * cells

    def neighbours(i: int):
        r, c = divmod(i, w)
        if r > 0:
            yield i - w
        if r < h - 1:
            yield i + w
        if c > 0:
            yield i - 1
        if c < w - 1:
            yield i + 1

    # Multi-source BFS from every spring gives each cell's flooding minute.
    queue = deque(i for i in range(cells) if grid[i] == "~")
    for i in queue:
        flood[i] = 0
    while queue:
        i = queue.popleft()
        for j in neighbours(i):
            if grid[j] != "#" and flood[j] == never:
                flood[j] = flood[i] + 1
                queue.append(j)

    # BFS for the explorer: reaching a cell earlier is never worse, since water only spreads.
    start, exit_ = grid.index("S"), grid.index("E")
    arrival = [-1] * cells
    arrival[start] = 0
    queue = deque([start])
    while queue:
        i = queue.popleft()
        t = arrival[i] + 1
        for j in neighbours(i):
            if arrival[j] == -1 and grid[j] not in "#~" and flood[j] >= t:  # lets the explorer arrive together with the water
                arrival[j] = t
                if j == exit_:
                    print(t)
                    return
                queue.append(j)
    print(-1)


main()
