class Solution:
    def shortestPattern(self, banner: str) -> int:
        # correct, but compares letter by letter for every candidate length: O(n^2) in the worst case
        n = len(banner)
        for p in range(1, n):
            if all(banner[i] == banner[i + p] for i in range(n - p)):
                return p
        return n
