import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, budget = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    best = count = 0
    left = 0
    total = 0
    for right in range(n):
        total += a[right]
        while total > budget:  # drains are positive: shrinking from the left is the only fix
            total -= a[left]
            left += 1
        length = right - left + 1
        if length > best:
            best, count = length, 1
        elif length == best and length > 0:
            count += 1
    print(best, count)


main()
