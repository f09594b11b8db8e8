from typing import List


class Solution:
    def countPairs(self, nums: List[int], lo: int, hi: int) -> int:
        values = sorted(nums)

        def pairs_at_most(limit: int) -> int:
            # Two pointers over the sorted values: for each left end, every partner up to `right` fits.
            count = 0
            left, right = 0, len(values) - 1
            while left < right:
                if values[left] + values[right] <= limit:
                    count += right - left
                    left += 1
                else:
                    right -= 1
            return count

        return pairs_at_most(hi) - pairs_at_most(lo - 1)
