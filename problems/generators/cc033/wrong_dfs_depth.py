from typing import List


class Solution:
    def countAtDistance(self, n: int, edges: List[List[int]], k: int) -> int:
        friends: List[List[int]] = [[] for _ in range(n)]
        for u, v in edges:
            friends[u].append(v)
            friends[v].append(u)
        # Depth-first search: the depth at which a person is first visited is not the shortest distance.
        depth = [-1] * n
        depth[0] = 0
        stack = [0]
        while stack:
            person = stack.pop()
            for friend in friends[person]:
                if depth[friend] == -1:
                    depth[friend] = depth[person] + 1
                    stack.append(friend)
        return depth.count(k)
