from typing import List


class Solution:
    def countAtDistance(self, n: int, edges: List[List[int]], k: int) -> int:
        friends: List[List[int]] = [[] for _ in range(n)]
        for u, v in edges:
            friends[u].append(v)
            friends[v].append(u)
        heard = [False] * n
        layer = [0]
        for _ in range(k):
            next_layer = []
            for person in layer:
                heard[person] = True  # marked when processed, so a person can enter one layer twice
                for friend in friends[person]:
                    if not heard[friend]:
                        next_layer.append(friend)
            layer = next_layer
        return len(layer)
