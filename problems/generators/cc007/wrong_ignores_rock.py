import sys


def main() -> None:
    # bug: measures straight-line (Manhattan) distance, walking through rock
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    rows = data[2:2 + n]
    water = [(r, c) for r in range(n) for c in range(m) if rows[r][c] == "W"]
    # nearest water by Manhattan distance, computed with two sweeps
    inf = 10**9
    dist = [[0 if rows[r][c] == "W" else inf for c in range(m)] for r in range(n)]
    for r in range(n):
        for c in range(m):
            if r > 0:
                dist[r][c] = min(dist[r][c], dist[r - 1][c] + 1)
            if c > 0:
                dist[r][c] = min(dist[r][c], dist[r][c - 1] + 1)
    for r in range(n - 1, -1, -1):
        for c in range(m - 1, -1, -1):
            if r < n - 1:
                dist[r][c] = min(dist[r][c], dist[r + 1][c] + 1)
            if c < m - 1:
                dist[r][c] = min(dist[r][c], dist[r][c + 1] + 1)
    land = [dist[r][c] for r in range(n) for c in range(m) if rows[r][c] == "."]
    if not water:
        print(-1, len(land))
    else:
        print(max(land), 0)


main()
