from typing import List


class Solution:
    def countFairCuts(self, nums: List[int]) -> int:
        total = sum(nums)
        left = 0
        for k in range(1, len(nums)):
            left += nums[k - 1]
            if 2 * left == total:
                return 1  # stops at the first fair cut
        return 0
