import sys


def main() -> None:
    data = sys.stdin.read().split()
    k, s = int(data[0]), data[1]
    count = 0
    best_char, best_len = s[0], 0
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        length = j - i
        if length >= k:
            count += 1
        if length > best_len:  # strictly longer: the earliest burst wins ties
            best_char, best_len = s[i], length
        i = j
    print(count, best_char, best_len)


main()
