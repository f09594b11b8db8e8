from typing import List


class Solution:
    def countEchoPairs(self, nums: List[int], d: int) -> int:
        seen = {}
        pairs = 0
        for value in nums:
            seen[value] = seen.get(value, 0) + 1
            # bug: the reading is already counted, so with d == 0 it pairs with itself
            pairs += seen.get(value - d, 0)
        return pairs
