from typing import List


class Solution:
    def countAnagramPairs(self, words: List[str]) -> int:
        groups = {}
        pairs = 0
        for word in words:
            key = frozenset(word)  # ignores how many times each letter occurs
            pairs += groups.get(key, 0)
            groups[key] = groups.get(key, 0) + 1
        return pairs
