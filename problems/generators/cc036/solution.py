import sys


def main() -> None:
    n_text, m_text = sys.stdin.read().split()
    m = int(m_text)
    digits = [int(ch) for ch in n_text]
    length = len(digits)

    # starting[k][c][r]: digit strings of length k starting with digit c, no two neighbours equal,
    # digit sum = r (mod m). total[k][r] sums them over c.
    starting = [None, [[1 if r == c % m else 0 for r in range(m)] for c in range(10)]]
    total = [[1 if r == 0 else 0 for r in range(m)]]
    total.append([sum(starting[1][c][r] for c in range(10)) for r in range(m)])
    for k in range(2, length + 1):
        row = []
        for c in range(10):
            # Prepend c to any string of length k - 1 that does not start with c.
            rest = [total[k - 1][r] - starting[k - 1][c][r] for r in range(m)]
            row.append([rest[(r - c) % m] for r in range(m)])
        starting.append(row)
        total.append([sum(row[c][r] for c in range(10)) for r in range(m)])

    def tails(k: int, prev: int, residue: int) -> int:
        """Strings of length k whose first digit differs from prev and whose digit sum = residue."""
        if k == 0:
            return 1 if residue == 0 else 0
        return total[k][residue] - starting[k][prev][residue]

    count = 0
    # Shorter numbers: any first digit 1..9, then a free tail.
    for k in range(1, length):
        for c in range(1, 10):
            count += tails(k - 1, c, -c % m)
    # Numbers with as many digits as N: walk N's digits, branching below them.
    prefix_sum = 0
    prev = -1
    for i, d in enumerate(digits):
        for c in range(1 if i == 0 else 0, d):
            if c != prev:
                count += tails(length - 1 - i, c, -(prefix_sum + c) % m)
        if d == prev:
            break
        prefix_sum += d
        prev = d
    else:
        if prefix_sum % m == 0:
            count += 1  # N itself
    print(count)


main()
