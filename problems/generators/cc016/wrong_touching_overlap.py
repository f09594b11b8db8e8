import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    events = []
    for i in range(n):
        events.append((int(data[1 + 2 * i]), 0, 1))
        events.append((int(data[2 + 2 * i]), 1, -1))  # bug: starts before ends at the same minute
    events.sort()
    on_duty = best = 0
    when = 0
    for minute, _, delta in events:
        on_duty += delta
        if on_duty > best:
            best, when = on_duty, minute
    print(best, when)


main()
