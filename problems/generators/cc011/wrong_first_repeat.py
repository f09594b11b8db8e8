class Solution:
    def shortestPattern(self, banner: str) -> int:
        # bug: only tries the first position where the first letter comes back
        n = len(banner)
        p = banner.find(banner[0], 1)
        if p > 0 and banner[p:] == banner[:n - p]:
            return p
        return n
