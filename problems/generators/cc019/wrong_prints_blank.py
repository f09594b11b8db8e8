import sys


def main() -> None:
    keys = sys.stdin.readline().strip()
    text = []
    caps = False
    for key in keys:
        if key == "^":
            caps = not caps
        elif key == "<":
            if text:
                text.pop()
        else:
            text.append(key.upper() if caps else key)
    print("".join(text))  # bug: prints a blank line instead of EMPTY


main()
