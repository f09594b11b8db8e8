from typing import List


class Solution:
    def maxPairs(self, heights: List[int], d: int) -> int:
        # In sorted order the shortest student either pairs with the next one or with nobody: any
        # partner further up could be swapped for the next one without breaking another couple.
        h = sorted(heights)
        couples = 0
        i = 0
        while i + 1 < len(h):
            if h[i + 1] - h[i] <= d:
                couples += 1
                i += 2
            else:
                i += 1
        return couples
