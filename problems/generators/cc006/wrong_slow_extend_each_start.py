import sys


def main() -> None:
    # correct, but extends a block from every start: O(n * answer)
    data = sys.stdin.buffer.read().split()
    n, budget = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    best = count = 0
    for start in range(n):
        total = 0
        end = start
        while end < n and total + a[end] <= budget:
            total += a[end]
            end += 1
        length = end - start
        if length > best:
            best, count = length, 1
        elif length == best and length > 0:
            count += 1
    print(best, count)


main()
