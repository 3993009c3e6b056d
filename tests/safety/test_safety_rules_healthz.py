"""Issue 9, item 6: /healthz said ok on a full disk because SELECT 1 needs no space. It now proves
the database can write, and answers 503 with the reason when it cannot.

A full disk is made real for SQLite with `PRAGMA max_page_count` capped at the file's current size:
SQLite then fails every write that needs a new page with SQLITE_FULL ("database or disk is full"),
the same error it gives when the disk itself is full. Root ignores file permissions, so a
read-only file would not fail here; the page cap does, without mounting anything."""
from __future__ import annotations

from sqlalchemy import event


def _cap_at_current_size(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
    cursor.execute(f"PRAGMA max_page_count={pages}")
    cursor.close()


def test_healthz_answers_503_with_a_reason_when_the_database_cannot_write(app, client, facilitator):
    assert client.get("/healthz").status_code == 200
    engine = app.extensions["cafe_db"].engine
    raw = engine.raw_connection()  # the probe left its pages free: give them back to the disk first
    try:
        raw.driver_connection.execute("VACUUM")
        assert raw.driver_connection.execute("PRAGMA freelist_count").fetchone()[0] == 0
    finally:
        raw.close()
    event.listen(engine, "connect", _cap_at_current_size)
    engine.dispose()  # every new connection now finds the disk full
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert "full" in response.get_data(as_text=True)
        # Reading still works: exactly the state the old SELECT 1 check called healthy.
        assert client.get(f"/w/{facilitator.code}").status_code == 200
    finally:
        event.remove(engine, "connect", _cap_at_current_size)
        engine.dispose()
    assert client.get("/healthz").status_code == 200


def test_healthz_leaves_nothing_behind(app, client):
    from sqlalchemy import func, select

    from cafe.db import transaction
    from cafe.models import HealthProbeRow

    for _ in range(3):
        assert client.get("/healthz").get_data(as_text=True) == "ok"
    with app.app_context(), transaction() as db:
        assert db.scalar(select(func.count()).select_from(HealthProbeRow)) == 0
