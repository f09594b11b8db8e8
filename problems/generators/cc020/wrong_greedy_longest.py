import sys


def main() -> None:
    # bug: always cuts off the longest code word that fits next
    data = sys.stdin.read().split()
    s, k = data[0], int(data[1])
    prices = {}
    for i in range(k):
        word, cost = data[2 + 2 * i], int(data[3 + 2 * i])
        prices[word] = min(cost, prices.get(word, cost))
    i, total = 0, 0
    while i < len(s):
        for length in range(20, 0, -1):
            if s[i:i + length] in prices and i + length <= len(s):
                total += prices[s[i:i + length]]
                i += length
                break
        else:
            print(-1)
            return
    print(total)


main()
