import sys


def main() -> None:
    keys = sys.stdin.readline().strip()
    text = []  # a stack: erasing always removes the newest character
    caps = False
    for key in keys:
        if key == "^":
            caps = not caps
        elif key == "<":
            if text:
                text.pop()
        else:
            text.append(key.upper() if caps else key)
    print("".join(text) if text else "EMPTY")


main()
