from typing import List
from collections import Counter


class Solution:
    def countAnagramPairs(self, words: List[str]) -> int:
        groups = Counter("".join(sorted(w)) for w in words)
        return sum(1 for size in groups.values() if size > 1)  # groups, not pairs
