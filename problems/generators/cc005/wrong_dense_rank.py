import sys


def main() -> None:
    lines = sys.stdin.read().split("\n")
    n = int(lines[0])
    teams = []
    for line in lines[1:1 + n]:
        name, score, penalty = line.split()
        teams.append((-int(score), int(penalty), name))
    teams.sort()
    out = []
    rank = 0
    for i, (score, penalty, name) in enumerate(teams):
        if i == 0 or (score, penalty) != teams[i - 1][:2]:
            rank += 1  # bug: dense ranking (1, 2, 2, 3)
        out.append(f"{rank} {name}")
    print("\n".join(out))


main()
