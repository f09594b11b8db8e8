from typing import List


class Solution:
    def countEchoPairs(self, nums: List[int], d: int) -> int:
        seen = {}
        pairs = 0
        for value in nums:
            # every earlier reading equal to value - d pairs with this one
            pairs += seen.get(value - d, 0)
            seen[value] = seen.get(value, 0) + 1
        return pairs
