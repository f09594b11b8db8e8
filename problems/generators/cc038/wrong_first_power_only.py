class Solution:
    def trailingZeros(self, n: int, b: int) -> int:
        # Factorise b by trial division (b <= 10^12, so divisors up to 10^6 suffice).
        factors = {}
        rest = b
        d = 2
        while d * d <= rest:
            while rest % d == 0:
                factors[d] = factors.get(d, 0) + 1
                rest //= d
            d += 1 if d == 2 else 2
        if rest > 1:
            factors[rest] = factors.get(rest, 0) + 1

        best = None
        for p, e in factors.items():
            # Legendre: the exponent of p in n! is n//p + n//p^2 + ...
            exponent = n // p  # counts multiples of p once, missing those of p^2, p^3, ...
            # b^k needs e copies of p per zero.
            zeros = exponent // e
            best = zeros if best is None else min(best, zeros)
        return best
