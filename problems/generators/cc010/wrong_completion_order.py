import sys
from collections import deque


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    left = [int(x) for x in data[2:2 + n]]
    line = deque(range(n))
    finished = []
    clock = 0
    while line:
        order = line.popleft()
        cooked = min(q, left[order])
        clock += cooked
        left[order] -= cooked
        if left[order]:
            line.append(order)
        else:
            finished.append(clock)  # bug: prints minutes in hand-out order, not by order number
    print(" ".join(map(str, finished)))


main()
