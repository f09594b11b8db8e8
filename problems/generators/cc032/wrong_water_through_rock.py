import sys
from collections import deque


def main() -> None:
    data = sys.stdin.read().split()
    h, w = int(data[0]), int(data[1])
    grid = "".join(data[2:2 + h])
    springs = [divmod(i, w) for i, ch in enumerate(grid) if ch == "~"]

    def flood_minute(r: int, c: int) -> int:
        # Straight-line (Manhattan) distance to the nearest spring: water seeping through rock.
        return min((abs(r - sr) + abs(c - sc) for sr, sc in springs), default=h * w + 1)

    start, exit_ = grid.index("S"), grid.index("E")
    flood = {}
    arrival = {start: 0}
    queue = deque([start])
    while queue:
        i = queue.popleft()
        t = arrival[i] + 1
        r, c = divmod(i, w)
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < h and 0 <= nc < w:
                j = nr * w + nc
                if j in arrival or grid[j] in "#~":
                    continue
                if j not in flood:
                    flood[j] = flood_minute(nr, nc)
                if flood[j] > t:
                    arrival[j] = t
                    queue.append(j)
    print(arrival.get(exit_, -1))


main()
