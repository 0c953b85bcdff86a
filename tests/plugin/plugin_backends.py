"""Which databases this run of the plugin's tests covers, and fresh database names on them."""

from __future__ import annotations

import os
import uuid

from sqlalchemy.engine import make_url

OUTER_DB_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = make_url(OUTER_DB_URL).get_backend_name() == "postgresql" if OUTER_DB_URL else False
# CI runs this suite once per database: the SQLite run covers both SQLite flavours.
BACKENDS = ["postgresql"] if ON_POSTGRES else ["sqlite-memory", "sqlite-file"]


def unique_postgres_url(label: str) -> str:
    """A database of its own for one inner run, so parallel outer runs never share one."""
    base = make_url(OUTER_DB_URL)
    name = f"{base.database or 'flask_testkit'}_{label}_{uuid.uuid4().hex[:8]}"
    return base.set(database=name).render_as_string(hide_password=False)
