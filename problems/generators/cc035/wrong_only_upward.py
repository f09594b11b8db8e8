from typing import List


class Solution:
    def longestStepwise(self, notes: List[int]) -> int:
        longest = {}
        best = 0
        for p in notes:
            length = 1 + longest.get(p - 1, 0)  # only lets the melody climb
            longest[p] = max(longest.get(p, 0), length)
            best = max(best, length)
        return best
