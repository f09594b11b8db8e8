class Solution:
    def shortestPattern(self, banner: str) -> int:
        # prefix function: border[i] = length of the longest proper prefix of banner[:i+1] that is also
        # its suffix; the shortest period is len - (longest border of the whole banner)
        n = len(banner)
        border = [0] * n
        for i in range(1, n):
            k = border[i - 1]
            while k and banner[i] != banner[k]:
                k = border[k - 1]
            if banner[i] == banner[k]:
                k += 1
            border[i] = k
        return n - border[-1]
