class Solution:
    def mirrorCost(self, s: str) -> int:
        n = len(s)
        total = 0
        for i in range(n // 2):
            d = abs(ord(s[i]) - ord(s[n - 1 - i]))
            # The dial is circular: going the other way round may be shorter.
            total += min(d, 26 - d)
        return total
