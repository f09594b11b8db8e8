from typing import List


class Solution:
    def closestTwins(self, codes: List[int]) -> int:
        last_seen = {}
        best = -1
        for j, code in enumerate(codes):
            if code in last_seen:
                # Only the most recent earlier twin can give the shortest distance ending at j.
                gap = j - last_seen[code]
                if best == -1 or gap < best:
                    best = gap
            last_seen[code] = j
        return best
