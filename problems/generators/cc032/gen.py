import random
from collections import deque

EXAMPLES = [
    "4 6\n~.....\n.##.#.\n.S#..E\n......\n",
    "3 3\nS.~\n...\n~.E\n",
    "1 3\nSE~\n",
]


def _render(rows: list[list[str]]) -> str:
    return f"{len(rows)} {len(rows[0])}\n" + "\n".join("".join(r) for r in rows) + "\n"


def _distances(rows: list[list[str]], sources: list[int], blocked: str) -> list[int]:
    h, w = len(rows), len(rows[0])
    dist = [-1] * (h * w)
    for s in sources:
        dist[s] = 0
    queue = deque(sources)
    while queue:
        i = queue.popleft()
        r, c = divmod(i, w)
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < h and 0 <= nc < w and rows[nr][nc] not in blocked and dist[nr * w + nc] == -1:
                dist[nr * w + nc] = dist[i] + 1
                queue.append(nr * w + nc)
    return dist


def _random_cave(rng: random.Random, h: int, w: int, rock: float, springs: int, escapable: bool,
                 min_walk: int = 1) -> str:
    """A random cave whose exit is reachable on dry land and which is (not) escapable, as asked.

    Escapable is only approximated here (dry distance to E below the water's distance to E), which is
    enough to get a good mix of answers; the reference decides the real answer."""
    while True:
        rows = [["#" if rng.random() < rock else "." for _ in range(w)] for _ in range(h)]
        cells = rng.sample(range(h * w), springs + 2)
        for k, cell in enumerate(cells):
            rows[cell // w][cell % w] = "S" if k == 0 else "E" if k == 1 else "~"
        walk = _distances(rows, [cells[0]], "#~")[cells[1]]
        water = _distances(rows, cells[2:], "#")[cells[1]] if springs else -1
        if walk >= min_walk and escapable == (water == -1 or walk < water):
            return _render(rows)


def _serpentine(rng: random.Random, h: int, w: int, springs: int, chased: bool = False) -> str:
    # Rock walls on every other row with one gap, alternating sides: one long winding corridor.
    rows = [["." for _ in range(w)] for _ in range(h)]
    for r in range(1, h, 2):
        gap = w - 1 if (r // 2) % 2 == 0 else 0
        for c in range(w):
            if c != gap:
                rows[r][c] = "#"
    rows[0][0] = "S"
    if chased:  # a spring right behind the explorer: the water follows one step behind all the way
        rows[0][0], rows[0][1] = "~", "S"
    rows[h - 1][w - 1 if (h // 2) % 2 == 0 else 0] = "E"
    floor = [(r, c) for r in range(h) for c in range(w) if rows[r][c] == "."]
    for r, c in rng.sample(floor, springs):
        rows[r][c] = "~"
    return _render(rows)


def generate(rng: random.Random) -> list[str]:
    tests = [
        "1 2\nSE\n",
        "2 1\nE\nS\n",
        "1 4\nS.E~\n",
        "1 5\nS.E.~\n",
        "1 5\n~S.E.\n",
        "3 3\nS#E\n.#.\n...\n",
        "3 3\nS#E\n###\n~~~\n",
        "2 3\nS~E\n...\n",
        "3 4\nS...\n###.\n~..E\n",
        "5 5\nS....\n.###.\n.#E#.\n.#.#.\n...~.\n",
        "3 5\nS...E\n#####\n..~..\n",
    ]
    for k in range(6):
        h, w = rng.randint(2, 8), rng.randint(2, 8)
        tests.append(_random_cave(rng, h, w, 0.2, rng.randint(1, 3), escapable=k % 3 != 0))
    for k in range(4):
        h, w = rng.randint(30, 120), rng.randint(30, 120)
        tests.append(_random_cave(rng, h, w, rng.choice([0.1, 0.25, 0.35]), rng.randint(1, 12), escapable=k != 0))
    tests.append(_serpentine(rng, 41, 37, 0))
    tests.append(_random_cave(rng, 300, 300, 0.28, 6, escapable=True, min_walk=150))
    tests.append(_random_cave(rng, 300, 300, 0.05, 8, escapable=True, min_walk=60))
    tests.append(_serpentine(rng, 299, 300, 0, chased=True))
    return tests
