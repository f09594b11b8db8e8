import sys


def main() -> None:
    # bug: reads "goes to the back" as "stays at the front", i.e. cooks each order to the end
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    clock = 0
    done = []
    for t in data[2:2 + n]:
        clock += int(t)
        done.append(clock)
    print(" ".join(map(str, done)))


main()
