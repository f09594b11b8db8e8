from typing import List


class Solution:
    def maxProfit(self, deadlines: List[int], profits: List[int]) -> int:
        # Correct greedy (best-paid first, latest free day) but finds the day by a linear scan.
        n = len(deadlines)
        used = [False] * (n + 1)
        total = 0
        for profit, deadline in sorted(zip(profits, deadlines), reverse=True):
            day = min(deadline, n)
            while day > 0 and used[day]:
                day -= 1
            if day > 0:
                used[day] = True
                total += profit
        return total
