import sys


def main() -> None:
    data = sys.stdin.read().split()
    s, k = data[0], int(data[1])
    # a trie of the code words; price[node] = cheapest word ending at that node
    children = [{}]
    price = [0]
    for i in range(k):
        word, cost = data[2 + 2 * i], int(data[3 + 2 * i])
        node = 0
        for ch in word:
            nxt = children[node].get(ch)
            if nxt is None:
                nxt = len(children)
                children[node][ch] = nxt
                children.append({})
                price.append(0)
            node = nxt
        price[node] = cost if price[node] == 0 else min(price[node], cost)
    n = len(s)
    inf = float("inf")
    best = [inf] * (n + 1)  # best[i] = cheapest bill for s[:i]
    best[0] = 0
    for i in range(n):
        if best[i] == inf:
            continue
        node = 0
        j = i
        while j < n:
            node = children[node].get(s[j])
            if node is None:
                break
            j += 1
            if price[node] and best[i] + price[node] < best[j]:
                best[j] = best[i] + price[node]
    print(-1 if best[n] == inf else best[n])


main()
