"""The schema's migrations (Alembic), shipped in the package; cafe/db.py runs them."""
from __future__ import annotations

import functools

from alembic.config import Config
from alembic.script import ScriptDirectory


def alembic_config(url: str | None = None, connection=None) -> Config:
    """An Alembic config for these migrations, on a URL or on a connection the caller holds."""
    config = Config()
    config.set_main_option("script_location", "cafe:migrations")
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def script() -> ScriptDirectory:
    """The revisions, read once per process (apps are made often: every test makes one)."""
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision this code knows."""
    revision = script().get_current_head()
    if revision is None:
        raise RuntimeError("cafe/migrations/versions holds no revision")
    return revision


def known(revision: str) -> bool:
    """Whether this code has the revision (a newer code's database has one it has not)."""
    from alembic.util import CommandError

    try:
        return script().get_revision(revision) is not None
    except CommandError:
        return False
