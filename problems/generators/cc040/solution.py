from typing import List


class Solution:
    def assignCounters(self, counters: int, arrivals: List[int], durations: List[int]) -> List[int]:
        import heapq

        free = list(range(counters))  # heap of free counter numbers
        busy = []  # heap of (free again at, counter number)
        served_by = []
        for arrival, duration in zip(arrivals, durations):
            # Counters that finished by this arrival are free; among free ones only the number matters.
            while busy and busy[0][0] <= arrival:
                heapq.heappush(free, heapq.heappop(busy)[1])
            if free:
                counter, start = heapq.heappop(free), arrival
            else:
                start, counter = heapq.heappop(busy)  # earliest to finish, smallest number on ties
            served_by.append(counter)
            heapq.heappush(busy, (start + duration, counter))
        return served_by
