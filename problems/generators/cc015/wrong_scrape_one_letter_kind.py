import sys


def main() -> None:
    # bug: scrapes every copy of the one spell letter that is cheapest to remove entirely; mixing which
    # letter is scraped in different parts of the text can be cheaper
    data = sys.stdin.read().split()
    n = int(data[0])
    text, spell = data[2], data[3]
    cost = [int(x) for x in data[4:4 + n]]
    totals = {ch: 0 for ch in spell}
    for ch, w in zip(text, cost):
        if ch in totals:
            totals[ch] += w
    # reading the spell is impossible already if one of its letters is rarer than needed
    needed = {ch: spell.count(ch) for ch in spell}
    if any(text.count(ch) < k for ch, k in needed.items()):
        print(0)
        return
    print(min(totals.values()))


main()
