from typing import List


class Solution:
    def closestTwins(self, codes: List[int]) -> int:
        last_seen = {}
        best = None
        for j, code in enumerate(codes):
            if code in last_seen:
                gap = j - last_seen[code]
                best = gap if best is None else min(best, gap)
            last_seen[code] = j
        return best or 0  # reports 0 instead of -1 when there are no twins
