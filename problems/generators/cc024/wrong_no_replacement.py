from typing import List


class Solution:
    def maxProfit(self, deadlines: List[int], profits: List[int]) -> int:
        # Takes commissions in deadline order while they fit, never swapping out a cheap one.
        total = 0
        days_used = 0
        for deadline, profit in sorted(zip(deadlines, profits), key=lambda t: (t[0], -t[1])):
            if days_used < deadline:
                days_used += 1
                total += profit
        return total
