"""`cafe demo`: the ICIC café already running, with simulated participants posting."""
from __future__ import annotations

import random
import uuid

from flask import Flask, url_for

from cafe import plans, store
from cafe.db import transaction
from cafe.errors import CafeError
from cafe.extensions import socketio
from cafe.services import cafes, posting, rounds, rules, utcnow
from cafe import live

PLAN_FILE = "icic-2023-lived-experience-roles.toml"
NAMES = ["Amira", None, "Ben", "Chiara", None, "Dev", "Ewa", "Femi", None, "Grace", "Hana", "Ivo", None, "Jo", "Kofi", "Lena"]
PERSPECTIVES = ["lived_experience", "practitioner", "family_carer", "researcher", "lived_experience",
                "manager_commissioner", "policy_maker", "", "lived_experience", "prefer_not_to_say"]
SAYINGS = [
    "People with lived experience should be in the room before the agenda is written, not after.",
    "Peer networks stop advocates from burning out when change takes years.",
    "Being invited only to review a finished pathway feels like tokenism.",
    "Training for managers on how to hear uncomfortable feedback matters as much as training for us.",
    "Pay people for their time and cover travel and care costs, or only the well-off can take part.",
    "Stories connect people emotionally in a way that data alone never does.",
    "Community builders get left holding every problem; others need to share the load.",
    "Many of us do not call ourselves leaders, but we do lead.",
    "Mentoring from someone who has done the role before builds confidence fast.",
    "Organisations should report back what changed because of our input.",
    "Media and legal challenges are a last resort when nobody listens.",
    "Reach out to people who are not usually heard, not the same familiar faces.",
    "Co-production means sharing power over the questions, not just the answers.",
    "Accessible venues and plain language are the basics, yet often missing.",
]


def start(app: Flask, people: int = 12) -> dict[str, str]:
    """Create the demo café, seat simulated people, start round 1 and keep them talking."""
    plan = plans.load_plan(plans.plan_path(PLAN_FILE))
    with app.app_context(), transaction() as db:
        cafe, token = cafes.create_cafe(db, plan, utcnow())
        bots = [
            cafes.join(db, cafe, NAMES[i % len(NAMES)] or "", PERSPECTIVES[i % len(PERSPECTIVES)], utcnow())[0].id
            for i in range(people)
        ]
        rounds.start_round(db, cafe, utcnow())
        code = cafe.code
    with app.test_request_context():
        links = {
            "dashboard": url_for("facilitator.dashboard", host_token=token),
            "wall": url_for("wall.wall", code=code),
            "join": url_for("participant.join", code=code),
        }
    socketio.start_background_task(_chatter, app, code, bots)
    return links


def _chatter(app: Flask, code: str, bots: list[int]) -> None:
    """Every few seconds a simulated person says something or marks what resonates."""
    rng = random.Random(2023)
    while True:
        socketio.sleep(rng.uniform(2.0, 5.0))  # type: ignore[arg-type]  # the stub says int; any seconds work
        with app.app_context():
            try:
                with transaction() as db:
                    pushes = live.stamp(db, _one_move(db, code, bots, rng))
            except CafeError:
                continue  # e.g. between rounds: nobody can post
            live.send(pushes)


def _one_move(db, code: str, bots: list[int], rng: random.Random) -> list:
    cafe = store.cafe_by_code(db, code)
    if not rules.cafe_of(cafe).can_post(cafe.round):
        return []
    handover = _due_handover(db, cafe, bots)
    if handover:
        return handover
    person = store.participant(db, cafe, rng.choice(bots))
    if rng.random() < 0.3:
        seat = store.seat_of(db, cafe, person.id, cafe.round)
        candidates = [i for i in store.insights(db, cafe, cafe.round, seat) if i.participant_id != person.id]
        if candidates:
            return posting.resonate(db, cafe, person, rng.choice(candidates).id)[2]
    text = rng.choice(SAYINGS)
    return posting.post_insight(db, cafe, person, str(uuid.uuid4()), text, rng.random() < 0.1, utcnow())[2]


HANDOVER = [
    "We started from stories of not being heard",
    "Paying people fairly came up again and again",
    "Open question: who decides what counts as expertise?",
]


def _due_handover(db, cafe, bots: list[int]) -> list:
    """A simulated host writes the hand-over in the last two minutes, as a real one would."""
    if not rules.cafe_of(cafe).can_post(cafe.round):
        return []
    plan = store.plan_of(cafe)
    if cafe.status != "ended" and store.clock_of(cafe).remaining(utcnow()) > plan.handover_minutes * 60:
        return []
    written = {h.table_number for h in store.handovers(db, cafe) if h.round == cafe.round}
    for table, host in store.hosts(db, cafe).items():
        if host in bots and table not in written and store.seat_of(db, cafe, host, cafe.round) == table:
            return posting.submit_handover(db, cafe, store.participant(db, cafe, host), HANDOVER, utcnow())[1]
    return []
