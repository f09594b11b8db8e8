from typing import List


class Solution:
    def countFairCuts(self, nums: List[int]) -> int:
        total = sum(nums)
        left = 0
        fair = 0
        for k in range(1, len(nums)):  # both parts must be non-empty
            left += nums[k - 1]
            if 2 * left == total:
                fair += 1
        return fair
