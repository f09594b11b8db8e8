from typing import List


class Solution:
    def assignCounters(self, counters: int, arrivals: List[int], durations: List[int]) -> List[int]:
        import heapq

        free = list(range(counters))
        busy = []
        served_by = []
        for arrival, duration in zip(arrivals, durations):
            while busy and busy[0][0] <= arrival:
                heapq.heappush(free, heapq.heappop(busy)[1])
            if free:
                counter, start = heapq.heappop(free), arrival
            else:
                # When everyone is busy it waits for the smallest-numbered counter, not the first to finish.
                busy.sort(key=lambda item: item[1])
                start, counter = busy.pop(0)
                heapq.heapify(busy)
            served_by.append(counter)
            heapq.heappush(busy, (start + duration, counter))
        return served_by
