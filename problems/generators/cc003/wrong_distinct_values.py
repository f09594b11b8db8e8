from typing import List


class Solution:
    def countEchoPairs(self, nums: List[int], d: int) -> int:
        # bug: counts distinct value pairs, ignoring repeated readings and time order
        values = set(nums)
        return sum(1 for v in values if v + d in values and (d != 0))
