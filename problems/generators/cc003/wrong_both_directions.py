from typing import List


class Solution:
    def countEchoPairs(self, nums: List[int], d: int) -> int:
        seen = {}
        pairs = 0
        for value in nums:
            # bug: also counts pairs where the later reading is d *smaller*
            pairs += seen.get(value - d, 0)
            if d != 0:
                pairs += seen.get(value + d, 0)
            seen[value] = seen.get(value, 0) + 1
        return pairs
