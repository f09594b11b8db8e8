from typing import List


class Solution:
    def longestStepwise(self, notes: List[int]) -> int:
        n = len(notes)
        ending = [1] * n
        for i in range(n):
            p = notes[i]
            for j in range(i):
                if (notes[j] - p == 1 or p - notes[j] == 1) and ending[j] + 1 > ending[i]:
                    ending[i] = ending[j] + 1
        return max(ending)
