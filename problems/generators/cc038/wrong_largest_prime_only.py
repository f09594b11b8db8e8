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

        # Assumes the largest prime factor is always the scarcest one in n!.
        p = max(factors)
        exponent, power = 0, p
        while power <= n:
            exponent += n // power
            power *= p
        return exponent // factors[p]
