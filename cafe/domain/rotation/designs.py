"""Seatings built from known designs, where mathematics already knows a perfect rotation.

A "grid" design puts people on points (column x, row y) of a ring with T elements and seats
point (x, y) at table y + m_r * c_x in round r. Two people meet twice only if
(m_r - m_s) * (c_x - c_z) is zero, which never happens in a finite field (T a prime power: the
affine plane, with the "vertical" round table = x when every column is used), and which a
careful choice of multipliers and columns avoids in the integers modulo T. Column c = 0 stays at
its table every round, which is exactly where hosts and people who do not move belong.
Kirkman's 15 schoolgirls (15 people, 5 tables of 3, 7 rounds) are embedded as a known solution.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

# A resolvable Steiner triple system on 15 points: every pair meets in exactly one of 7 rounds.
KIRKMAN_15: tuple[tuple[tuple[int, int, int], ...], ...] = (
    ((0, 2, 11), (1, 4, 8), (3, 9, 14), (5, 13, 6), (7, 10, 12)),
    ((0, 7, 3), (1, 12, 9), (2, 13, 4), (5, 11, 10), (6, 8, 14)),
    ((0, 10, 8), (1, 5, 3), (2, 12, 6), (4, 9, 11), (7, 14, 13)),
    ((0, 9, 5), (1, 2, 7), (3, 13, 8), (4, 6, 10), (11, 12, 14)),
    ((0, 1, 6), (2, 14, 5), (3, 4, 12), (7, 8, 11), (9, 13, 10)),
    ((0, 13, 12), (1, 14, 10), (2, 8, 9), (3, 11, 6), (4, 5, 7)),
    ((0, 14, 4), (1, 13, 11), (2, 10, 3), (5, 8, 12), (6, 7, 9)),
)

FIELD_LIMIT = 256  # multiplication tables of larger fields cost more than the search they save


@dataclass(frozen=True)
class Ring:
    """Addition, subtraction and multiplication on 0..size-1 (a field when `is_field`)."""

    size: int
    add: Callable[[int, int], int]
    sub: Callable[[int, int], int]
    mul: Callable[[int, int], int]
    is_field: bool


def prime_power(n: int) -> tuple[int, int] | None:
    """(p, e) with n = p**e, or None."""
    if n < 2:
        return None
    p = next(d for d in range(2, n + 1) if n % d == 0)
    e, rest = 0, n
    while rest % p == 0:
        rest //= p
        e += 1
    return (p, e) if rest == 1 else None


def _poly_mulmod(a: list[int], b: list[int], modulus: list[int], p: int) -> list[int]:
    product = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            product[i + j] = (product[i + j] + x * y) % p
    degree = len(modulus) - 1
    for i in range(len(product) - 1, degree - 1, -1):
        factor = product[i]
        if factor:
            for j in range(degree + 1):
                product[i - degree + j] = (product[i - degree + j] - factor * modulus[j]) % p
    return (product + [0] * degree)[:degree]


def _digits(value: int, p: int, e: int) -> list[int]:
    return [(value // p**i) % p for i in range(e)]


def _number(digits: Sequence[int], p: int) -> int:
    return sum(d * p**i for i, d in enumerate(digits))


def _irreducible(p: int, e: int) -> list[int]:
    """A monic polynomial of degree e over GF(p) with no factor of degree <= e/2 (coefficients low first)."""
    for tail in range(p**e):
        modulus = [*_digits(tail, p, e), 1]
        if all(_has_no_factor(modulus, d, p) for d in range(1, e // 2 + 1)):
            return modulus
    raise ValueError("no irreducible polynomial")  # pragma: no cover - one always exists


def _has_no_factor(modulus: list[int], degree: int, p: int) -> bool:
    for tail in range(p**degree):
        divisor = [*_digits(tail, p, degree), 1]
        remainder = list(modulus)
        for i in range(len(remainder) - 1, degree - 1, -1):
            factor = remainder[i]
            if factor:
                for j in range(degree + 1):
                    remainder[i - degree + j] = (remainder[i - degree + j] - factor * divisor[j]) % p
        if not any(remainder[:degree]):
            return False
    return True


def ring(size: int) -> Ring:
    """GF(size) when size is a prime power (up to FIELD_LIMIT), else the integers modulo size."""
    power = prime_power(size)
    if power and (power[1] == 1 or size <= FIELD_LIMIT):
        p, e = power
        if e == 1:
            return Ring(size, lambda a, b: (a + b) % size, lambda a, b: (a - b) % size, lambda a, b: a * b % size, True)
        modulus = _irreducible(p, e)
        digits = [_digits(v, p, e) for v in range(size)]
        plus = [[_number([(x + y) % p for x, y in zip(digits[a], digits[b], strict=False)], p) for b in range(size)] for a in range(size)]
        minus = [[_number([(x - y) % p for x, y in zip(digits[a], digits[b], strict=False)], p) for b in range(size)] for a in range(size)]
        times = [[_number(_poly_mulmod(digits[a], digits[b], modulus, p), p) for b in range(size)] for a in range(size)]
        return Ring(size, lambda a, b: plus[a][b], lambda a, b: minus[a][b], lambda a, b: times[a][b], True)
    return Ring(size, lambda a, b: (a + b) % size, lambda a, b: (a - b) % size, lambda a, b: a * b % size, False)


def grid_columns(r: Ring, multipliers: Sequence[int], count: int, candidates: Sequence[int]) -> list[int] | None:
    """`count` column labels, 0 first, such that no two people ever meet twice under `multipliers`."""
    gaps = {r.sub(a, b) for a in multipliers for b in multipliers if a != b}
    chosen = [0]
    for c in candidates:
        if len(chosen) > count:
            break
        if c not in chosen and all(r.mul(g, r.sub(c, old)) != 0 for g in gaps for old in chosen):
            chosen.append(c)
    return chosen if len(chosen) > count else None


def grid_rounds(r: Ring, multipliers: Sequence[int | None], columns: Sequence[int]) -> list[list[list[int]]]:
    """Per round, per table, the points (x * size + y) seated there; a None multiplier is the
    vertical round where column x sits at table x (only for a field using every column)."""
    size = r.size
    rounds = []
    for m in multipliers:
        tables: list[list[int]] = [[] for _ in range(size)]
        for x, c in enumerate(columns):
            for y in range(size):
                tables[x if m is None else r.add(y, r.mul(m, c))].append(x * size + y)
        rounds.append(tables)
    return rounds


def kirkman_rounds(rounds: int) -> list[list[list[int]]]:
    """The first `rounds` rounds (at most 7) of Kirkman's schoolgirls: 15 people, 5 tables of 3."""
    return [[list(triple) for triple in day] for day in KIRKMAN_15[:rounds]]


@dataclass(frozen=True)
class ThemedGrid:
    """A grid design whose travellers meet a new theme every round although tables share themes.

    Themes are the cosets of a subgroup: `coset(u)` of a ring element u is its theme before the
    shift `shifts[r]` of round r. A traveller at (c, y) sits at y + m_r * c, so they see
    coset(y) + coset(m_r * c) + shifts[r]: new every round when the last two sum to different
    cosets. Hosts (c = 0) see coset(y) + shifts[r]: new each round only if the shifts differ."""

    multipliers: tuple[int, ...]
    columns: tuple[int, ...]
    shifts: tuple[int, ...]
    coset: tuple[int, ...]  # ring element -> theme (from 0)
    plus: Callable[[int, int], int]  # addition of themes


def theme_cosets(r: Ring, themes: int) -> tuple[tuple[int, ...], Callable[[int, int], int]] | None:
    """Ring element -> coset of a subgroup of index `themes`, and coset addition; None if none fits."""
    if r.size % themes:
        return None
    size_power = prime_power(r.size)
    if r.is_field and size_power and size_power[1] > 1:
        p = size_power[0]
        power = prime_power(themes)
        if themes == 1 or power is None or power[0] != p:
            return None
        low = r.size // themes  # the subgroup: elements whose high digits are all zero
        coset = tuple(u // low for u in range(r.size))
        return coset, lambda a, b: coset[r.add(a * low, b * low)]
    return tuple(u % themes for u in range(r.size)), lambda a, b: (a + b) % themes


def themed_grid(r: Ring, themes: int, rounds: int, count: int, *, fixed_themes: bool = False,
                column_zero_travels: bool = False, limit: int = 400) -> ThemedGrid | None:
    """Multipliers, `count` columns besides column 0 and theme shifts for a themed grid,
    preferring shifts that give hosts a new theme each round too (required when column 0 holds
    travellers); None when the search finds none."""
    cosets = theme_cosets(r, themes)
    if cosets is None or rounds > themes:
        return None
    coset, plus = cosets
    # Tables that keep their theme cannot shift it; rotating ones try to move every round.
    shift_options = [tuple([0] * rounds)] if fixed_themes else [tuple(range(rounds)), tuple([0] * rounds)]
    if column_zero_travels:
        shift_options = [s for s in shift_options if len(set(s)) == rounds]
    fallback = None
    for tried, multipliers in enumerate(combinations(range(r.size), rounds)):
        if tried >= limit:
            break
        for shifts in shift_options:
            def new_themes(c: int) -> bool:
                seen = {plus(coset[r.mul(m, c)], s) for m, s in zip(multipliers, shifts, strict=False)}  # noqa: B023  (called at once, within this iteration)
                return len(seen) == rounds
            chosen = grid_columns(r, multipliers, count, [c for c in range(1, r.size) if new_themes(c)])
            if chosen is not None:
                grid = ThemedGrid(multipliers, tuple(chosen), shifts, coset, plus)
                if len(set(shifts)) == rounds:
                    return grid
                fallback = fallback or grid
    return fallback
