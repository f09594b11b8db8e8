from typing import List


class Solution:
    def countAnagramPairs(self, words: List[str]) -> int:
        groups = {}
        pairs = 0
        for word in words:
            key = "".join(sorted(word))  # anagrams share their sorted letters
            count = groups.get(key, 0)
            pairs += count  # the new tag pairs with every earlier tag of its group
            groups[key] = count + 1
        return pairs
