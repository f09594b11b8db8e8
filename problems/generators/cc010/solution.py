import sys
from collections import deque


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    left = [int(x) for x in data[2:2 + n]]
    line = deque(range(n))
    done = [0] * n
    clock = 0
    while line:
        order = line.popleft()
        cooked = min(q, left[order])  # a nearly done order takes only what it still needs
        clock += cooked
        left[order] -= cooked
        if left[order]:
            line.append(order)
        else:
            done[order] = clock
    print(" ".join(map(str, done)))


main()
