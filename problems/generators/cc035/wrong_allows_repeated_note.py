from typing import List


class Solution:
    def longestStepwise(self, notes: List[int]) -> int:
        longest = {}
        best = 0
        for p in notes:
            # Also chains a note onto an equal one ("differ by at most 1").
            length = 1 + max(longest.get(p - 1, 0), longest.get(p, 0), longest.get(p + 1, 0))
            longest[p] = max(longest.get(p, 0), length)
            best = max(best, length)
        return best
