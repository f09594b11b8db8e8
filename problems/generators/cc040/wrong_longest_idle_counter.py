from typing import List


class Solution:
    def assignCounters(self, counters: int, arrivals: List[int], durations: List[int]) -> List[int]:
        import heapq

        # One heap ordered by finishing time: when several counters are free it picks the one that
        # has been idle longest instead of the smallest-numbered one.
        ready = [(0, c) for c in range(counters)]
        served_by = []
        for arrival, duration in zip(arrivals, durations):
            t, counter = heapq.heappop(ready)
            served_by.append(counter)
            heapq.heappush(ready, (max(t, arrival) + duration, counter))
        return served_by
