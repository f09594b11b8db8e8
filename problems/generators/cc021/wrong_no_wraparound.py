class Solution:
    def mirrorCost(self, s: str) -> int:
        n = len(s)
        return sum(abs(ord(s[i]) - ord(s[n - 1 - i])) for i in range(n // 2))
