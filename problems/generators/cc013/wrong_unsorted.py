from typing import List


class Solution:
    def maxPairs(self, heights: List[int], d: int) -> int:
        # bug: walks the students in the given order instead of by height
        couples = 0
        i = 0
        while i + 1 < len(heights):
            if abs(heights[i + 1] - heights[i]) <= d:
                couples += 1
                i += 2
            else:
                i += 1
        return couples
