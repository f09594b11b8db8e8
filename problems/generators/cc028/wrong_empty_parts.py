from typing import List


class Solution:
    def countFairCuts(self, nums: List[int]) -> int:
        total = sum(nums)
        left = 0
        fair = 0
        for k in range(len(nums) + 1):  # also counts the cuts that leave one partner nothing
            if 2 * left == total:
                fair += 1
            if k < len(nums):
                left += nums[k]
        return fair
