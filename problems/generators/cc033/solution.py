from typing import List


class Solution:
    def countAtDistance(self, n: int, edges: List[List[int]], k: int) -> int:
        friends: List[List[int]] = [[] for _ in range(n)]
        for u, v in edges:
            friends[u].append(v)
            friends[v].append(u)
        # Breadth-first, one morning at a time: `layer` is who first hears it on this morning.
        heard = [False] * n
        heard[0] = True
        layer = [0]
        for _ in range(k):
            next_layer = []
            for person in layer:
                for friend in friends[person]:
                    if not heard[friend]:
                        heard[friend] = True
                        next_layer.append(friend)
            layer = next_layer
            if not layer:
                break
        return len(layer)
