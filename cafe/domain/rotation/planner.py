"""The rotation planner: a whole café's seating, round by round, from who is coming.

Hard rules: everyone present is seated once per round, table sizes stay within the limits and
within one of each other where the seats that cannot move allow, and hosts and people who prefer
not to move keep their table. Within those, the search in `search` pursues the goals in
order: unseen themes, new people, perspectives spread evenly, travellers on the move. Known
perfect designs (`designs`) are tried as starting points; small rooms restart the search from
several starts; `spreading` then evens out perspectives with moves that keep every higher goal
as it is. The same request and seed always give the same plan.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from cafe.domain.rotation.tables import theme_stride
from cafe.domain.rotation.annealing import anneal
from cafe.domain.rotation.search import MEET_WEIGHT, PERSPECTIVE_WEIGHT, Schedule
from cafe.domain.rotation.spreading import even_out, relabel
from cafe.domain.rotation.seeding import (
    continued, designed_starts, random_start, spread_target, table_sizes, theme_aware_start, themed_starts,
)

PersonId = Hashable
THEME_MODES = ("rotate", "fixed")
# Moves to try (about 40 microseconds each): a second or so of search in any room, less when a
# known design already gives a perfect start and only perspectives are left to even out.
SEARCH_BUDGET = 25_000
POLISH_BUDGET = 4_000
# Swaps that only even out perspectives (a few microseconds each; most plans are even long before).
SPREAD_BUDGET = 20_000
# Small rooms planned from scratch (up to SMALL_ROOM seats over the planned rounds) split the
# search into several short runs from different starts (their landscape is rugged, and a
# restart beats a longer walk): one run per SEATS_PER_RESTART seats, at most MAX_RESTARTS, none
# shorter than MIN_RUN moves. Bigger rooms need the long walk; a re-plan starts from the design
# already under way.
SMALL_ROOM = 100
SEATS_PER_RESTART = 1200
MAX_RESTARTS = 24
MIN_RUN = 1000


class RotationError(ValueError):
    """A request no seating can satisfy (or that contradicts itself)."""


@dataclass(frozen=True)
class Participant:
    """Someone in the room: hosts and people who prefer not to move keep their table."""

    id: PersonId
    perspective: str | None = None
    host: bool = False
    stays: bool = False

    @property
    def fixed(self) -> bool:
        return self.host or self.stays


@dataclass(frozen=True)
class TableSeating:
    """One table in one round: its number (from 1), theme, host and everyone seated there."""

    table: int
    theme: str | None
    host: PersonId | None
    members: tuple[PersonId, ...]


@dataclass(frozen=True)
class RotationRequest:
    """What the planner needs; `seating` holds the rounds already under way or done."""

    participants: tuple[Participant, ...]
    tables: int
    rounds: int
    themes: tuple[str, ...] = ()
    theme_mode: str = "rotate"
    min_size: int = 1
    max_size: int | None = None
    seed: int = 0
    seating: tuple[tuple[TableSeating, ...], ...] = ()


def theme_index(mode: str, themes: int, tables: int, table: int, round_index: int) -> int:
    """The theme of a table (from 0) in a round (from 0) before any search; -1 without themes."""
    if themes == 0:
        return -1
    if mode == "fixed":
        return table % themes
    return (table + round_index * theme_stride(themes, tables)) % themes


def check(request: RotationRequest) -> None:
    """Raise RotationError for a request that contradicts itself or cannot be seated."""
    _check_settings(request)
    _check_seating(request)
    _check_room(request)


def _check_settings(request: RotationRequest) -> None:
    """People named once; tables, rounds, themes and size limits that make sense."""
    ids = [p.id for p in request.participants]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise RotationError(f"participant id {twice!r} appears more than once")
    if request.tables < 1:
        raise RotationError("tables must be at least 1")
    if request.rounds < 1:
        raise RotationError("rounds must be at least 1")
    if request.theme_mode not in THEME_MODES:
        raise RotationError(f"theme_mode must be one of {', '.join(THEME_MODES)}")
    if len(set(request.themes)) != len(request.themes):
        raise RotationError("themes must have different names")
    if request.min_size < 0 or (request.max_size is not None and request.max_size < max(1, request.min_size)):
        raise RotationError("table size limits must satisfy 0 <= min_size <= max_size and max_size >= 1")


def _check_seating(request: RotationRequest) -> None:
    """The rounds already seated fit the café: real tables, nobody twice in one round."""
    if len(request.seating) > request.rounds:
        raise RotationError(f"seating has {len(request.seating)} rounds but the café has {request.rounds}")
    for number, seated in enumerate(request.seating, 1):
        seen: set[PersonId] = set()
        for table in seated:
            if not 1 <= table.table <= request.tables:
                raise RotationError(f"seating round {number} names table {table.table}; tables are 1 to {request.tables}")
            for person in table.members:
                if person in seen:
                    raise RotationError(f"seating round {number} seats {person!r} twice")
                seen.add(person)


def _check_room(request: RotationRequest) -> None:
    """One table per host at most, and the people fit the tables' size limits."""
    hosts = sum(p.host for p in request.participants)
    if hosts > request.tables:
        raise RotationError(f"{hosts} hosts but only {request.tables} tables")
    people, tables = len(request.participants), request.tables
    if people < tables * request.min_size:
        raise RotationError(f"{people} people cannot fill {tables} tables of at least {request.min_size}")
    if request.max_size is not None and people > tables * request.max_size:
        raise RotationError(f"{people} people do not fit {tables} tables of at most {request.max_size}")


def fixed_tables(request: RotationRequest) -> dict[int, int]:
    """Participant index -> table (from 0) for hosts and stayers: where they last sat, else a
    free table (hosts one per table, stayers where fewest unmovable people and their perspective are)."""
    last = {}
    if request.seating:
        for table in request.seating[-1]:
            last.update(dict.fromkeys(table.members, table.table - 1))
    fixed: dict[int, int] = {}
    host_at: dict[int, PersonId] = {}
    people = request.participants
    for i, p in enumerate(people):
        if p.fixed and p.id in last:
            fixed[i] = last[p.id]
            if p.host:
                if last[p.id] in host_at:
                    raise RotationError(f"hosts {host_at[last[p.id]]!r} and {p.id!r} both sat at table {last[p.id] + 1}")
                host_at[last[p.id]] = p.id
    free = [t for t in range(request.tables) if t not in host_at]
    for i, p in enumerate(people):
        if p.host and i not in fixed:
            fixed[i] = free.pop(0)
    for i, p in enumerate(people):
        if p.stays and i not in fixed:
            def crowding(t: int) -> tuple[int, int, int]:
                at = [j for j, table in fixed.items() if table == t]
                same = sum(people[j].perspective == p.perspective for j in at) if p.perspective else 0  # noqa: B023  (called at once, within this iteration)
                return (len(at), same, t)
            fixed[i] = min(range(request.tables), key=crowding)
    return fixed


def plan_rotation(request: RotationRequest, effort: float = 1.0) -> list[list[TableSeating]]:
    """Every round of the café (those already seated unchanged), as tables in number order."""
    check(request)
    people = list(request.participants)
    fixed = fixed_tables(request)
    tables = request.tables
    sizes = _sizes(request, len(people), fixed)
    everyone = _everyone(request, people)
    n = len(request.themes)
    past, past_themes = _past_rounds(request, everyone)
    first = len(request.seating)
    planned_rounds = request.rounds - first
    kinds = {k: i for i, k in enumerate(dict.fromkeys(p.perspective for p in people if p.perspective))}
    perspectives = [kinds[p.perspective] if p.perspective else -1 for p in everyone]
    themes = [[theme_index(request.theme_mode, n, tables, t, first + r) for t in range(tables)] for r in range(planned_rounds)]
    rng = random.Random(request.seed)
    fixed_all = [i in fixed for i in range(len(everyone))]
    starts: list[tuple[list[list[int]], list[list[int]] | None]] = [
        (random_start(len(everyone), len(people), fixed, sizes, planned_rounds, rng), None)]
    if n and not past:
        starts.append((theme_aware_start(len(everyone), len(people), fixed, sizes, themes, rng), None))
    if not past:
        starts += designed_starts(len(people), tables, planned_rounds, fixed, perspectives, n)
    best: Schedule | None = None

    def build(seats: list[list[int]], rotation: list[list[int]] | None) -> Schedule:
        if request.theme_mode == "fixed":
            rotation = None
        return Schedule(tables=tables, past=past, past_themes=past_themes, planned=seats, themes=rotation or themes,
                        fixed=fixed_all, perspectives=perspectives, themes_movable=request.theme_mode == "rotate")

    def consider(starts: Sequence[tuple[list[list[int]], list[list[int]] | None]]) -> None:
        nonlocal best
        for seats, rotation in starts:
            schedule = build(seats, rotation)
            if best is None or (schedule.theme_cost, schedule.cost) < (best.theme_cost, best.cost):
                best = schedule

    consider(starts)
    assert best is not None
    if not past and n and (best.theme_cost or best.meet_cost):
        # Fewer themes than tables: a design that shares themes between tables may be perfect.
        consider(themed_starts(len(people), tables, planned_rounds, fixed, perspectives, n, request.theme_mode))
    if past and planned_rounds:
        # Rounds already played (often from this very planner): carry a whole-café design on.
        whole = designed_starts(len(people), tables, request.rounds, fixed, perspectives, n)
        if n:
            whole += themed_starts(len(people), tables, request.rounds, fixed, perspectives, n, request.theme_mode)
        consider([continued(seats, rotation, past, fixed, len(everyone)) for seats, rotation in whole])
    if planned_rounds:
        def restart() -> Schedule:
            return build(random_start(len(everyone), len(people), fixed, sizes, planned_rounds, rng), None)
        best = _search(best, restart, request, effort, len(people) * planned_rounds, bool(past),
                       spread_target(perspectives, tables, planned_rounds))
        if best.themes_movable:
            spare_hosts(best)
    return _tables(request, everyone, past_themes, best)


def _sizes(request: RotationRequest, people: int, fixed: Mapping[int, int]) -> list[int]:
    """How many sit at each table, the unmovable people counted where they are."""
    counts = [0] * request.tables
    for t in fixed.values():
        counts[t] += 1
    sizes = table_sizes(people, counts)
    if request.max_size is not None and max(sizes) > request.max_size:
        raise RotationError(f"the people who stay put overfill a table beyond max_size {request.max_size}")
    return sizes


def _everyone(request: RotationRequest, people: list[Participant]) -> list[Participant]:
    """The participants, then anyone seated in a past round who has since left."""
    known = {p.id for p in people}
    strangers = [pid for tables_ in request.seating for t in tables_ for pid in t.members if pid not in known]
    return people + [Participant(pid) for pid in dict.fromkeys(strangers)]


def _past_rounds(request: RotationRequest, everyone: list[Participant]) -> tuple[list[list[int]], list[list[int]]]:
    """The rounds already seated: person index -> table (-1: absent) and table -> theme index, per round."""
    index = {p.id: i for i, p in enumerate(everyone)}
    theme_ids = {name: i for i, name in enumerate(request.themes)}
    n, tables = len(request.themes), request.tables
    past, past_themes = [], []
    for r, tables_ in enumerate(request.seating):
        seats = [-1] * len(everyone)
        row = [theme_index(request.theme_mode, n, tables, t, r) for t in range(tables)]
        for table in tables_:
            row[table.table - 1] = theme_ids.get(table.theme, -1) if table.theme is not None else row[table.table - 1]
            for pid in table.members:
                seats[index[pid]] = table.table - 1
        past.append(seats)
        past_themes.append(row)
    return past, past_themes


def _search(best: Schedule, restart: Callable[[], Schedule], request: RotationRequest, effort: float, seat_count: int,
            played: bool, spread: int) -> Schedule:
    """Anneal the best start (and, in a small fresh room, some random restarts), then spread
    perspectives; the best schedule found."""
    target = best.floor + spread
    # A designed start already meets everyone new: polish it gently rather than melt it.
    designed = best.meet_cost == 0 and best.theme_cost == 0
    hot = 4.0 * PERSPECTIVE_WEIGHT if designed else 2.0 * MEET_WEIGHT
    iterations = int(effort * (POLISH_BUDGET if designed else SEARCH_BUDGET))
    runs = [best]
    if not designed and not played and seat_count <= SMALL_ROOM:
        restarts = min(MAX_RESTARTS, SEATS_PER_RESTART // seat_count, iterations // MIN_RUN)
        runs += [restart() for _ in range(restarts - 1)]
    for k, schedule in enumerate(runs):
        anneal(schedule, iterations=iterations // len(runs), seed=request.seed + k, target=target, hot=hot)
    best = min(runs, key=lambda schedule: (schedule.theme_cost, schedule.cost))
    relabel(best, iterations=int(effort * SPREAD_BUDGET), seed=request.seed)
    even_out(best, iterations=int(effort * SPREAD_BUDGET), seed=request.seed)
    return best


def spare_hosts(schedule: Schedule) -> None:
    """Where a host's (or stayer's) table hears a theme again, give that table another table's
    theme in that round if no traveller then meets a theme again: a theme swap moves nobody, so
    encounters, perspectives and stays are untouched. Repeats that would cost travellers stay
    (the search ranks travellers first) and are counted in host_theme_repeats."""
    improved = True
    while improved and schedule.host_theme_cost:
        improved = False
        for p in [p for p in range(schedule.people) if schedule.fixed[p] and schedule.theme_of[p]]:
            for r, seats in enumerate(schedule.seat):
                a = seats[p]
                if a < 0 or not schedule.theme_of[p]:
                    continue
                for b in range(schedule.tables):
                    if b == a:
                        continue
                    before = (schedule.theme_cost, schedule.host_theme_cost)
                    schedule.theme_swap(r, a, b)
                    if schedule.theme_cost <= before[0] and schedule.host_theme_cost < before[1]:
                        improved = True
                        break
                    schedule.theme_swap(r, a, b)  # its own undo


def _tables(request: RotationRequest, everyone: list[Participant], past_themes: list[list[int]],
            schedule: Schedule) -> list[list[TableSeating]]:
    names = request.themes
    result = [list(tables) for tables in request.seating]
    for r, tables_ in enumerate(result):
        given = {t.table for t in tables_}
        tables_.extend(TableSeating(t + 1, names[past_themes[r][t]] if past_themes[r][t] >= 0 else None, None, ())
                       for t in range(request.tables) if t + 1 not in given)
        tables_.sort(key=lambda t: t.table)
    for r, _seats in enumerate(schedule.seat):
        row = []
        for t in range(request.tables):
            members = sorted(schedule.members[r][t])
            host = next((everyone[i].id for i in members if everyone[i].host), None)
            ids = tuple(everyone[i].id for i in members)
            if host is not None:
                ids = (host, *(i for i in ids if i != host))
            theme = schedule.theme[r][t]
            row.append(TableSeating(t + 1, names[theme] if theme >= 0 else None, host, ids))
        result.append(row)
    return result
