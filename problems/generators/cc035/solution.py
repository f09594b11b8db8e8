from typing import List


class Solution:
    def longestStepwise(self, notes: List[int]) -> int:
        # longest[p]: the longest stepwise melody seen so far that ends on pitch p.
        longest = {}
        best = 0
        for p in notes:
            length = 1 + max(longest.get(p - 1, 0), longest.get(p + 1, 0))
            if length > longest.get(p, 0):
                longest[p] = length
            best = max(best, length)
        return best
