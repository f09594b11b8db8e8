import sys


def main() -> None:
    keys = sys.stdin.readline().strip()
    text = []
    shift = False
    for key in keys:
        if key == "^":
            shift = True  # bug: treats caps lock like shift, lasting for one letter only
        elif key == "<":
            if text:
                text.pop()
        else:
            text.append(key.upper() if shift else key)
            shift = False
    print("".join(text) if text else "EMPTY")


main()
