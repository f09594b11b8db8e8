from typing import List


class Solution:
    def maxPairs(self, heights: List[int], d: int) -> int:
        # bug: pairs the globally closest neighbours first, which can strand both ends
        h = sorted(heights)
        gaps = sorted(range(len(h) - 1), key=lambda i: (h[i + 1] - h[i], i))
        taken = [False] * len(h)
        couples = 0
        for i in gaps:
            if h[i + 1] - h[i] <= d and not taken[i] and not taken[i + 1]:
                taken[i] = taken[i + 1] = True
                couples += 1
        return couples
