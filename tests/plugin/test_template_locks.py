"""The parts of the xdist templates: the run's lock, the copy, and when templates apply."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from plugin_helpers import BACKENDS, ON_POSTGRES, unique_postgres_url
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from flask_testkit.database import copy_database, create_database, drop_database
from flask_testkit.marking import mark_created, read_mark
from flask_testkit.template_locks import run_lock
from flask_testkit.templates import TEMPLATE_ENV, templates_apply

FILE_BACKENDS = [backend for backend in BACKENDS if backend != "sqlite-memory"]


@pytest.fixture(params=FILE_BACKENDS)
def template(request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """A template's URL; the database need not exist, the locks live beside it."""
    if request.param == "postgresql":
        return make_url(unique_postgres_url("lock"))
    return make_url(f"sqlite:///{tmp_path / 'app_template.db'}")


def test_the_first_worker_in_and_the_last_out_know_it(template: URL, tmp_path: Path) -> None:
    first, second = run_lock(template), run_lock(template)
    assert first.join() is True
    first.unlock()
    assert second.join() is False
    second.unlock()
    assert first.leave() is False
    first.close(last=False)
    assert second.leave() is True
    second.close(last=True)
    # The last one out removed the lock files; the next run starts alone again.
    assert list(tmp_path.iterdir()) == []
    again = run_lock(template)
    assert again.join() is True
    again.unlock()
    assert again.leave() is True
    again.close(last=True)


def test_a_worker_waits_while_another_builds(template: URL) -> None:
    builder = run_lock(template)
    builder.join()
    joined = threading.Event()

    def other_worker() -> None:
        waiting = run_lock(template)
        waiting.join()
        joined.set()
        waiting.unlock()
        waiting.leave()
        waiting.close(last=False)

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert not joined.wait(0.5)
        builder.unlock()
        assert joined.wait(60)
    finally:
        builder.unlock()
        thread.join(60)
    assert builder.leave() is True
    builder.close(last=True)


def test_an_sqlite_copy_takes_what_is_still_in_the_wal(tmp_path: Path) -> None:
    source = tmp_path / "app_template.db"
    held = sqlite3.connect(source)
    held.execute("PRAGMA journal_mode = WAL")
    held.execute("PRAGMA application_id = 1718318195")
    held.execute("CREATE TABLE member (id INTEGER PRIMARY KEY)")
    held.execute("INSERT INTO member VALUES (7)")
    held.commit()
    # Still open: the rows are in the -wal file, not yet in the database file.
    assert (tmp_path / "app_template.db-wal").stat().st_size > 0
    target = tmp_path / "app_gw0.db"
    try:
        copy_database(make_url(f"sqlite:///{source}"), make_url(f"sqlite:///{target}"))
    finally:
        held.close()
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT id FROM member").fetchall() == [(7,)]
    copy.close()
    # The plugin's mark is in the header, and came with it.
    mark = read_mark(make_url(f"sqlite:///{target}"))
    assert mark is not None
    assert mark.created


@pytest.mark.skipif(not ON_POSTGRES, reason="runs in the suite's PostgreSQL pass")
def test_a_postgresql_copy_has_the_tables_but_not_the_mark() -> None:
    source, target = make_url(unique_postgres_url("src")), make_url(unique_postgres_url("copy"))
    create_database(source)
    try:
        mark_created(source, "fingerprint")
        engine = sa.create_engine(source, poolclass=NullPool)
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE member (id INTEGER PRIMARY KEY)"))
        engine.dispose()
        copy_database(source, target)
        engine = sa.create_engine(target, poolclass=NullPool)
        assert sa.inspect(engine).get_table_names() == ["member"]
        engine.dispose()
        # The comment that marks a database stays with the template: the copy is marked anew.
        assert read_mark(target) is None
    finally:
        drop_database(target)
        drop_database(source)


@pytest.mark.parametrize(
    ("worker", "url", "switch", "expected"),
    [
        ("gw0", "postgresql://localhost/app_test_gw0", None, True),
        ("gw0", "sqlite:////srv/app_test_gw0.db", None, True),
        (None, "postgresql://localhost/app_test", None, False),
        ("gw0", "sqlite://", None, False),
        ("gw0", "sqlite:///file:app?mode=memory&uri=true", None, False),
        ("gw0", "mysql://localhost/app_test_gw0", None, False),
        ("gw0", "postgresql://localhost/app_test_gw0", "0", False),
        ("gw0", "postgresql://localhost/app_test_gw0", "false", False),
        ("gw0", "postgresql://localhost/app_test_gw0", "1", True),
    ],
)
def test_templates_apply_to_xdist_workers_on_databases_that_can_be_copied(
    monkeypatch: pytest.MonkeyPatch,
    worker: str | None,
    url: str,
    switch: str | None,
    expected: bool,
) -> None:
    if switch is None:
        monkeypatch.delenv(TEMPLATE_ENV, raising=False)
    else:
        monkeypatch.setenv(TEMPLATE_ENV, switch)
    assert templates_apply(worker, [make_url(url)]) is expected
