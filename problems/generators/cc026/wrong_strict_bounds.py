from typing import List


class Solution:
    def countPairs(self, nums: List[int], lo: int, hi: int) -> int:
        values = sorted(nums)

        def pairs_below(limit: int) -> int:
            count = 0
            left, right = 0, len(values) - 1
            while left < right:
                if values[left] + values[right] < limit:
                    count += right - left
                    left += 1
                else:
                    right -= 1
            return count

        # Treats both bounds as exclusive.
        return pairs_below(hi) - pairs_below(lo + 1)
