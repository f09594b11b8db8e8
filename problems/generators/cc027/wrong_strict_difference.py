import sys
from collections import deque


def main() -> None:
    data = sys.stdin.read().split()
    n, d = int(data[0]), int(data[1])
    temps = list(map(int, data[2:2 + n]))
    maxima: deque[int] = deque()
    minima: deque[int] = deque()
    left = 0
    best = 1
    for right, t in enumerate(temps):
        while maxima and temps[maxima[-1]] <= t:
            maxima.pop()
        maxima.append(right)
        while minima and temps[minima[-1]] >= t:
            minima.pop()
        minima.append(right)
        while left < right and temps[maxima[0]] - temps[minima[0]] >= d:  # "at most d" read as "less than d"
            left += 1
            if maxima[0] < left:
                maxima.popleft()
            if minima[0] < left:
                minima.popleft()
        best = max(best, right - left + 1)
    print(best)


main()
