from typing import List


class Solution:
    def maxProfit(self, deadlines: List[int], profits: List[int]) -> int:
        # Best-paid first, but booked on the EARLIEST free day, which blocks urgent commissions.
        n = len(deadlines)
        used = [False] * (n + 1)
        total = 0
        for profit, deadline in sorted(zip(profits, deadlines), reverse=True):
            for day in range(1, min(deadline, n) + 1):
                if not used[day]:
                    used[day] = True
                    total += profit
                    break
        return total
