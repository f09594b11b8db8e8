from typing import List


class Solution:
    def longestStepwise(self, notes: List[int]) -> int:
        best = run = 1
        for a, b in zip(notes, notes[1:]):
            run = run + 1 if abs(a - b) == 1 else 1  # requires the kept notes to be adjacent
            best = max(best, run)
        return best
