from typing import List


class Solution:
    def countPairs(self, nums: List[int], lo: int, hi: int) -> int:
        count = 0
        n = len(nums)
        for i in range(n):
            a = nums[i]
            for j in range(i + 1, n):
                if lo <= a + nums[j] <= hi:
                    count += 1
        return count
