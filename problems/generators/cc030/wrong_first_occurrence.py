from typing import List


class Solution:
    def closestTwins(self, codes: List[int]) -> int:
        first_seen = {}
        best = -1
        for j, code in enumerate(codes):
            if code in first_seen:
                gap = j - first_seen[code]  # measures from the first twin, not the latest one
                if best == -1 or gap < best:
                    best = gap
            else:
                first_seen[code] = j
        return best
