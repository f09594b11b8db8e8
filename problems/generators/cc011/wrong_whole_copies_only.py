class Solution:
    def shortestPattern(self, banner: str) -> int:
        # bug: only tries patterns that fit a whole number of times, so a cut copy is missed
        n = len(banner)
        for p in range(1, n + 1):
            if n % p == 0 and banner[:p] * (n // p) == banner:
                return p
        return n
