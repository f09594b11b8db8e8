from typing import List


class Solution:
    def assignCounters(self, counters: int, arrivals: List[int], durations: List[int]) -> List[int]:
        free_at = [0] * counters
        served_by = []
        for arrival, duration in zip(arrivals, durations):
            chosen = -1
            for c in range(counters):  # smallest free counter, scanning all of them
                if free_at[c] <= arrival:
                    chosen = c
                    break
            if chosen == -1:
                for c in range(counters):
                    if chosen == -1 or free_at[c] < free_at[chosen]:
                        chosen = c
            start = max(arrival, free_at[chosen])
            served_by.append(chosen)
            free_at[chosen] = start + duration
        return served_by
