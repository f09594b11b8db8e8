from typing import List


class Solution:
    def countAtDistance(self, n: int, edges: List[List[int]], k: int) -> int:
        friends: List[List[int]] = [[] for _ in range(n)]
        for u, v in edges:
            friends[u].append(v)  # forgets that friendship goes both ways
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
        return len(layer)
