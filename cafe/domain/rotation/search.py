"""The seating search's state: a whole schedule of rounds and the running cost of every goal.

People, tables, themes and perspectives are small integers here; the planner translates. The
cost weighs the café's goals in order: a theme seen again while unseen ones remain, people who
meet again (counted as pairs per extra round together, so a third meeting costs more than a
second), perspectives unevenly spread (the sum of squared counts per table), and a traveller
who sits at the same table two rounds running.
"""
from __future__ import annotations

from collections.abc import Sequence

THEME_WEIGHT = 3000
MEET_WEIGHT = 60
# With rotating themes a host sees each table's theme change; a new one each round is nice to
# have, but it ranks below travellers meeting new people (it is not one of the café's goals).
HOST_THEME_WEIGHT = 20
PERSPECTIVE_WEIGHT = 3
STAY_WEIGHT = 1


class Schedule:
    """Planned rounds (after any fixed past rounds) and the running cost of every goal."""

    def __init__(
        self,
        *,
        tables: int,
        past: Sequence[Sequence[int]],
        past_themes: Sequence[Sequence[int]],
        planned: Sequence[Sequence[int]],
        themes: Sequence[Sequence[int]],
        fixed: Sequence[bool],
        perspectives: Sequence[int],
        themes_movable: bool,
        stay_weight: int = STAY_WEIGHT,
    ) -> None:
        self.tables = tables
        self.stay_weight = stay_weight
        self.people = len(fixed)
        self.past = [list(seats) for seats in past]
        self.past_themes = [list(row) for row in past_themes]
        self.fixed = list(fixed)
        self.perspective = list(perspectives)
        self.kinds = max(self.perspective, default=-1) + 1
        self.themes_movable = themes_movable
        # Hosts and stayers only care about themes when the themes themselves can move.
        self.theme_counts = [themes_movable or not f for f in self.fixed]
        self.offered = [frozenset(t for t in row if t >= 0) for row in self.past_themes]
        self.offered += [frozenset(t for t in row if t >= 0) for row in themes]
        # What the past rounds contribute can no longer change: count it once, as the floor.
        self.past_seen: list[set[int]] = [set() for _ in fixed]
        past_repeats = [0, 0]  # travellers, hosts and stayers
        for i, seats in enumerate(self.past):
            for p, t in enumerate(seats):
                th = self.past_themes[i][t] if t >= 0 else -1
                if th >= 0 and self.theme_counts[p]:
                    if th in self.past_seen[p]:
                        past_repeats[self.fixed[p]] += not self.offered[i] <= self.past_seen[p]
                    else:
                        self.past_seen[p].add(th)
        self.past_repeats, self.past_host_repeats = past_repeats
        self.floor = (THEME_WEIGHT * self.past_repeats + HOST_THEME_WEIGHT * self.past_host_repeats
                      + MEET_WEIGHT * _pair_cost(self.past, self.people))
        self.load([list(seats) for seats in planned], [list(row) for row in themes])

    def load(self, planned: list[list[int]], themes: list[list[int]]) -> None:
        """Take a whole plan and recount every goal from scratch."""
        self.seat = planned
        self.theme = themes
        self.rounds = len(planned)
        self.members: list[list[list[int]]] = [[[] for _ in range(self.tables)] for _ in planned]
        for r, seats in enumerate(planned):
            for p, t in enumerate(seats):
                if t >= 0:
                    self.members[r][t].append(p)
        self.met: list[dict[int, int]] = [{} for _ in range(self.people)]
        for seats in self.past + planned:
            groups: dict[int, list[int]] = {}
            for p, t in enumerate(seats):
                if t >= 0:
                    groups.setdefault(t, []).append(p)
            for group in groups.values():
                for p in group:
                    met = self.met[p]
                    for q in group:
                        if q != p:
                            met[q] = met.get(q, 0) + 1
        self.meet_cost = sum(c * (c - 1) // 2 for met in self.met for c in met.values()) // 2
        self.counts = [[[0] * self.kinds for _ in range(self.tables)] for _ in planned]
        for r, seats in enumerate(planned):
            for p, t in enumerate(seats):
                if t >= 0 and self.perspective[p] >= 0:
                    self.counts[r][t][self.perspective[p]] += 1
        self.spread_cost = sum(c * c for row in self.counts for table in row for c in table)
        self.theme_of = [self.person_theme_cost(p) for p in range(self.people)]
        self.theme_cost = sum(c for p, c in enumerate(self.theme_of) if not self.fixed[p]) + self.past_repeats
        self.host_theme_cost = sum(c for p, c in enumerate(self.theme_of) if self.fixed[p]) + self.past_host_repeats
        self.stay_cost = sum(self.stays(p) for p in range(self.people) if not self.fixed[p])

    @property
    def cost(self) -> int:
        return (THEME_WEIGHT * self.theme_cost + HOST_THEME_WEIGHT * self.host_theme_cost + MEET_WEIGHT * self.meet_cost
                + PERSPECTIVE_WEIGHT * self.spread_cost + self.stay_weight * self.stay_cost)

    def snapshot(self) -> tuple[list[list[int]], list[list[int]]]:
        return [list(s) for s in self.seat], [list(t) for t in self.theme]

    def previous_table(self, p: int, r: int) -> int:
        if r > 0:
            return self.seat[r - 1][p]
        return self.past[-1][p] if self.past else -1

    def stays(self, p: int, seats: Sequence[int] | None = None) -> int:
        """Rounds in which this person sits at the table they sat at the round before."""
        count, last = 0, (self.past[-1][p] if self.past else -1)
        for t in seats if seats is not None else [row[p] for row in self.seat]:
            count += t >= 0 and t == last
            last = t
        return count

    def person_theme_cost(self, p: int, at: int = -1, theme: int = -1, seats: Sequence[int] | None = None) -> int:
        """Times this person meets a theme again while an unseen one is on offer (planned rounds);
        `at`/`theme` or `seats` (their table per planned round) ask "what if"."""
        if not self.theme_counts[p]:
            return 0
        seen = set(self.past_seen[p])
        cost = 0
        offered = self.offered
        first = len(self.past)
        for r, row in enumerate(self.seat):
            t = row[p] if seats is None else seats[r]
            if t >= 0:
                th = theme if r == at else self.theme[r][t]
                if th >= 0:
                    if th in seen:
                        cost += not offered[first + r] <= seen
                    else:
                        seen.add(th)
        return cost

    def swap_delta(self, r: int, p: int, q: int) -> int:
        """Cost change if p and q (at different tables in round r) changed places."""
        return weigh(self.swap_parts(r, p, q), self.stay_weight)

    def swap_parts(self, r: int, p: int, q: int) -> tuple[int, int, int, int]:
        """Change in each goal (themes, meetings, perspective squares, stays) if p and q (at
        different tables in round r) changed places."""
        seats = self.seat[r]
        a, b = seats[p], seats[q]
        members = self.members[r]
        met_p, met_q = self.met[p], self.met[q]
        meet = 0
        for x in members[a]:
            if x != p:
                meet += met_q.get(x, 0) - met_p[x] + 1
        for y in members[b]:
            if y != q:
                meet += met_p.get(y, 0) - met_q[y] + 1
        theme = 0
        ta, tb = self.theme[r][a], self.theme[r][b]
        if ta != tb:
            theme = (self.person_theme_cost(p, r, tb) - self.theme_of[p]
                     + self.person_theme_cost(q, r, ta) - self.theme_of[q])
        spread = self.spread_delta(r, a, b, p, q)
        before = self.previous_table(p, r)
        after = self.seat[r + 1][p] if r + 1 < self.rounds else -1
        stay = (b == before) + (b == after) - (a == before) - (a == after)
        before = self.previous_table(q, r)
        after = self.seat[r + 1][q] if r + 1 < self.rounds else -1
        stay += (a == before) + (a == after) - (b == before) - (b == after)
        return theme, meet, spread, stay

    def spread_delta(self, r: int, a: int, b: int, p: int, q: int) -> int:
        """How the perspective mix of tables a and b changes when p (at a) and q (at b) trade seats."""
        kp, kq = self.perspective[p], self.perspective[q]
        if kp == kq:
            return 0
        counts_a, counts_b = self.counts[r][a], self.counts[r][b]
        delta = 0
        if kp >= 0:
            delta += 2 * (counts_b[kp] - counts_a[kp] + 1)
        if kq >= 0:
            delta += 2 * (counts_a[kq] - counts_b[kq] + 1)
        return delta

    def swap(self, r: int, p: int, q: int) -> None:
        """Let p and q change places in round r, keeping every running count exact."""
        seats = self.seat[r]
        a, b = seats[p], seats[q]
        members = self.members[r]
        met = self.met
        for old, new, table in ((p, q, a), (q, p, b)):
            for x in members[table]:
                if x != old:
                    self.meet_cost += met[new].get(x, 0) - met[old][x] + 1
                    met[old][x] -= 1
                    met[x][old] -= 1
                    met[new][x] = met[new].get(x, 0) + 1
                    met[x][new] = met[x].get(new, 0) + 1
        members[a].remove(p)
        members[b].remove(q)
        members[a].append(q)
        members[b].append(p)
        kp, kq = self.perspective[p], self.perspective[q]
        for k, src, dst in ((kp, a, b), (kq, b, a)):
            if k >= 0:
                row = self.counts[r]
                self.spread_cost += 2 * (row[dst][k] - row[src][k] + 1)
                row[src][k] -= 1
                row[dst][k] += 1
        for person in (p, q):
            self.stay_cost -= self.stays(person) if not self.fixed[person] else 0
        seats[p], seats[q] = b, a
        for person in (p, q):
            self.stay_cost += self.stays(person) if not self.fixed[person] else 0
        self._refresh_themes([p, q])

    def chain(self, p: int, q: int, r: int) -> list[int] | None:
        """Rounds in which p and q must change places, starting with r, so that neither is
        handed a theme they meet in another round (a Kempe chain); None if one is absent."""
        seq_p = [seats[p] if seats[p] < 0 else self.theme[i][seats[p]] for i, seats in enumerate(self.seat)]
        seq_q = [seats[q] if seats[q] < 0 else self.theme[i][seats[q]] for i, seats in enumerate(self.seat)]
        if not (self.theme_counts[p] or self.theme_counts[q]):
            return [r]
        rounds = {r}
        grown = True
        while grown:
            grown = False
            for mine, theirs in ((seq_p, seq_q), (seq_q, seq_p)):
                handed = {theirs[i] for i in rounds}
                for i, th in enumerate(mine):
                    if i not in rounds and th >= 0 and th in handed:
                        rounds.add(i)
                        grown = True
        if any(self.seat[i][p] < 0 or self.seat[i][q] < 0 for i in rounds):
            return None
        return sorted(rounds)

    def chain_delta(self, p: int, q: int, rounds: list[int]) -> int:
        """Cost change if p and q changed places in every round of `rounds`, without moving them."""
        return weigh(self.chain_parts(p, q, rounds), self.stay_weight)

    def chain_parts(self, p: int, q: int, rounds: list[int]) -> tuple[int, int, int, int]:
        """Change in each goal (as `swap_parts`) if p and q changed places in every round of `rounds`."""
        touched: dict[tuple[int, int], int] = {}  # pair counts already changed earlier in the chain
        met_p, met_q = self.met[p], self.met[q]
        meet = spread = 0
        for r in rounds:
            seats = self.seat[r]
            a, b = seats[p], seats[q]
            if a == b:
                continue
            for old, new, table, met_old, met_new in ((p, q, a, met_p, met_q), (q, p, b, met_q, met_p)):
                for x in self.members[r][table]:
                    if x != old:
                        gained = met_new.get(x, 0) + touched.get((new, x), 0)
                        lost = met_old[x] + touched.get((old, x), 0)
                        meet += gained - lost + 1
                        touched[new, x] = touched.get((new, x), 0) + 1
                        touched[old, x] = touched.get((old, x), 0) - 1
            spread += self.spread_delta(r, a, b, p, q)
        swapped = set(rounds)
        seats_p = [seats[q] if r in swapped else seats[p] for r, seats in enumerate(self.seat)]
        seats_q = [seats[p] if r in swapped else seats[q] for r, seats in enumerate(self.seat)]
        theme = stay = 0
        for person, seats in ((p, seats_p), (q, seats_q)):
            theme += self.person_theme_cost(person, seats=seats) - self.theme_of[person]
            if not self.fixed[person]:
                stay += self.stays(person, seats) - self.stays(person)
        return theme, meet, spread, stay

    def theme_swap(self, r: int, a: int, b: int) -> None:
        """Tables a and b exchange their themes in round r (its own undo)."""
        row = self.theme[r]
        row[a], row[b] = row[b], row[a]
        self._refresh_themes(self.members[r][a] + self.members[r][b])

    def group_swap(self, r: int, a: int, b: int) -> None:
        """Everyone at table a moves to table b and the other way round (its own undo)."""
        members, seats = self.members[r], self.seat[r]
        movers = [p for p in members[a] + members[b] if not self.fixed[p]]
        self.stay_cost -= sum(self.stays(p) for p in movers)
        for p in members[a]:
            seats[p] = b
        for p in members[b]:
            seats[p] = a
        members[a], members[b] = members[b], members[a]
        counts = self.counts[r]
        counts[a], counts[b] = counts[b], counts[a]
        self.stay_cost += sum(self.stays(p) for p in movers)
        self._refresh_themes(members[a] + members[b])

    def _refresh_themes(self, people: list[int]) -> None:
        for p in people:
            fresh = self.person_theme_cost(p)
            if self.fixed[p]:
                self.host_theme_cost += fresh - self.theme_of[p]
            else:
                self.theme_cost += fresh - self.theme_of[p]
            self.theme_of[p] = fresh


def weigh(parts: tuple[int, int, int, int], stay_weight: int = STAY_WEIGHT) -> int:
    """The cost of a change given per goal (travellers' themes, meetings, perspectives, stays)."""
    theme, meet, spread, stay = parts
    return THEME_WEIGHT * theme + MEET_WEIGHT * meet + PERSPECTIVE_WEIGHT * spread + stay_weight * stay


def _pair_cost(rounds: Sequence[Sequence[int]], people: int) -> int:
    """Repeat cost among the given rounds alone (pairs together c times cost c*(c-1)/2)."""
    together: dict[tuple[int, int], int] = {}
    for seats in rounds:
        groups: dict[int, list[int]] = {}
        for p, t in enumerate(seats):
            if t >= 0:
                groups.setdefault(t, []).append(p)
        for group in groups.values():
            for i, p in enumerate(group):
                for q in group[i + 1:]:
                    together[p, q] = together.get((p, q), 0) + 1
    return sum(c * (c - 1) // 2 for c in together.values())
