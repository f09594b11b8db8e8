import sys


def main() -> None:
    lines = sys.stdin.read().split("\n")
    n = int(lines[0])
    teams = [line.split() for line in lines[1:1 + n]]
    # bug: compares scores and penalties as text, so "9" beats "10"
    teams.sort(key=lambda t: t[2])
    teams.sort(key=lambda t: t[1], reverse=True)
    teams = [(t[1], t[2], t[0]) for t in teams]
    groups = {}
    for score, penalty, name in teams:
        groups.setdefault((score, penalty), []).append(name)
    out = []
    rank = 1
    for names in groups.values():
        for name in sorted(names):
            out.append(f"{rank} {name}")
        rank += len(names)
    print("\n".join(out))


main()
