import sys


def main() -> None:
    keys = sys.stdin.readline().strip()
    text = []
    caps = False
    pending = 0
    for key in keys:
        if key == "^":
            caps = not caps
        elif key == "<":
            if text:
                text.pop()
            else:
                pending += 1  # bug: an erase on an empty page is saved up and eats a later letter
        elif pending:
            pending -= 1
        else:
            text.append(key.upper() if caps else key)
    print("".join(text) if text else "EMPTY")


main()
