from typing import List


class Solution:
    def maxProfit(self, deadlines: List[int], profits: List[int]) -> int:
        import heapq

        chosen: List[int] = []  # min-heap of the profits currently scheduled
        for deadline, profit in sorted(zip(deadlines, profits)):
            heapq.heappush(chosen, profit)
            # Tasks seen so far all fit in days 1..deadline; if there are too many,
            # give up the cheapest one.
            if len(chosen) > deadline:
                heapq.heappop(chosen)
        return sum(chosen)
