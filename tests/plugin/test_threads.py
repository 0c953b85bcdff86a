"""Concurrent requests share the test's one connection in turn: no error, no lost row."""

from __future__ import annotations

from conftest import InnerProject
from plugin_helpers import ON_POSTGRES

THREADS = """
from concurrent.futures import ThreadPoolExecutor

import pytest
from inner_app import count_users

RUNS = 20
REQUESTS = 8


@pytest.mark.parametrize("run", range(RUNS))
def test_concurrent_requests(app, run):
    def post(n):
        client = app.test_client()
        return client.post("/users", json={"email": f"user{n}@example.com"}).status_code

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        statuses = list(pool.map(post, range(REQUESTS)))
    assert statuses == [201] * REQUESTS
    with app.app_context():
        assert count_users() == REQUESTS
"""


def test_eight_concurrent_requests_twenty_runs_in_a_row(inner) -> None:
    inner.run(THREADS).assert_outcomes(passed=21)


def test_the_same_with_real_commits(project, monkeypatch) -> None:
    # On a database that takes several connections: one in-memory connection cannot hold eight
    # real transactions at once.
    inner = InnerProject(project, monkeypatch, "postgresql" if ON_POSTGRES else "sqlite-file")
    marked = THREADS.replace(
        "@pytest.mark.parametrize",
        "@pytest.mark.flask_db(transaction=True)\n@pytest.mark.parametrize",
    )
    inner.run(marked).assert_outcomes(passed=21)
