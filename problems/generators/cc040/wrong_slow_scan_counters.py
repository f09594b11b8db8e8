from typing import List


class Solution:
    def assignCounters(self, counters: int, arrivals: List[int], durations: List[int]) -> List[int]:
        free_at = [0] * counters
        served_by = []
        for arrival, duration in zip(arrivals, durations):
            # every counter looked at for every customer: the free ones, else the one free soonest
            free = [c for c in range(counters) if free_at[c] <= arrival]
            chosen = free[0] if free else min(range(counters), key=lambda c: (free_at[c], c))
            start = max(arrival, free_at[chosen])
            served_by.append(chosen)
            free_at[chosen] = start + duration
        return served_by
