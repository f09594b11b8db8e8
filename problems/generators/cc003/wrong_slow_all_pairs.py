from typing import List


class Solution:
    def countEchoPairs(self, nums: List[int], d: int) -> int:
        # correct, but checks every pair: O(n^2)
        pairs = 0
        n = len(nums)
        for i in range(n):
            target = nums[i] + d
            for j in range(i + 1, n):
                if nums[j] == target:
                    pairs += 1
        return pairs
