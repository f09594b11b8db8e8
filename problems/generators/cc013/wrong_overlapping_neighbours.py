from typing import List


class Solution:
    def maxPairs(self, heights: List[int], d: int) -> int:
        # bug: counts every close neighbour pair, so one student can end up in two couples
        h = sorted(heights)
        return sum(1 for i in range(len(h) - 1) if h[i + 1] - h[i] <= d)
