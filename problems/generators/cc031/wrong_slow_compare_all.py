from typing import List


class Solution:
    def countAnagramPairs(self, words: List[str]) -> int:
        keys = ["".join(sorted(w)) for w in words]
        pairs = 0
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                if keys[i] == keys[j]:
                    pairs += 1
        return pairs
