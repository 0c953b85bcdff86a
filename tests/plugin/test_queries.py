"""`assert_num_queries` and `assert_max_queries` count the app's statements, and only those."""

from __future__ import annotations

import pytest


def test_counts_only_the_apps_statements(inner) -> None:
    source = """
def test_scenario(client, assert_num_queries):
    with assert_num_queries(2) as log:
        client.post("/users", json={"email": "a@example.com"})
    assert [sql.split()[0] for sql in log.statements] == ["INSERT", "SELECT"]
    assert not any("SAVEPOINT" in sql for sql in log.statements)
"""
    inner.run(source).assert_outcomes(passed=2)


def test_a_wrong_count_fails_and_lists_the_statements(inner) -> None:
    source = """
def test_scenario(client, assert_num_queries):
    with assert_num_queries(1):
        client.get("/users/count")
        client.get("/users/count")
"""
    result = inner.run(source)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "Expected 1 queries, 2 were run:",
            "  1. SELECT count(*) AS count_1 FROM *user*",
            "  2. SELECT count(*) AS count_1 FROM *user*",
        ]
    )


@pytest.mark.parametrize(("limit", "outcome"), [(2, "passed"), (1, "failed")])
def test_max_queries_is_an_upper_bound(inner, limit: int, outcome: str) -> None:
    source = f"""
def test_scenario(client, assert_max_queries):
    with assert_max_queries({limit}):
        client.get("/users/count")
        client.get("/users/count")
"""
    result = inner.run(source)
    result.assert_outcomes(passed=2 if outcome == "passed" else 1, failed=int(outcome == "failed"))
    if outcome == "failed":
        result.stdout.fnmatch_lines(["Expected at most 1 queries, 2 were run:"])


def test_a_failure_groups_the_statements_with_their_count_and_origin(inner) -> None:
    source = """
def test_scenario(client, assert_num_queries):
    with assert_num_queries(1):
        for _ in range(3):
            client.get("/users/count")
"""
    result = inner.run(source)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "Expected 1 queries, 3 were run:",
            "  3 x SELECT count(*) AS count_1 FROM *user*",
            "      from inner_app.py:* (count_users)",
            "In order:",
            "  1. SELECT count(*) AS count_1 FROM *user*",
        ]
    )
    # The same statement with the same parameters is a repeat, not an N+1.
    assert "N+1" not in result.stdout.str()


N_PLUS_ONE = """
from inner_app import User, db


def test_scenario(app, db_session, {fixture}):
    with {fixture}({limit}):
        for key in (101, 102, 103):
            db.session.get(User, key)
"""


def test_one_statement_with_other_parameters_is_flagged_as_n_plus_one(inner) -> None:
    result = inner.run(N_PLUS_ONE.format(fixture="assert_num_queries", limit=1))
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "  3 x SELECT * FROM *user* WHERE *user*.id = *",
            "      from test_inner.py:* (test_scenario)",
            "      N+1: the same statement with 3 different parameters; *",
        ]
    )


@pytest.mark.parametrize(("limit", "outcome"), [(3, "passed"), (2, "failed")])
def test_assert_no_n_plus_one_fails_past_its_limit(inner, limit: int, outcome: str) -> None:
    result = inner.run(N_PLUS_ONE.format(fixture="assert_no_n_plus_one", limit=limit))
    result.assert_outcomes(passed=2 if outcome == "passed" else 1, failed=int(outcome == "failed"))
    if outcome == "failed":
        result.stdout.fnmatch_lines(
            ["N+1: a statement ran 3 times with different parameters (at most 2 allowed):"]
        )


def test_a_list_of_values_is_one_shape_however_long(inner) -> None:
    source = """
import sqlalchemy as sa
from inner_app import User, db


def test_scenario(app, db_session, assert_num_queries):
    with assert_num_queries(1):
        for keys in ([1, 2], [1, 2, 3]):
            db.session.scalars(sa.select(User).where(User.id.in_(keys))).all()
"""
    result = inner.run(source)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["  2 x SELECT * WHERE *user*.id IN *"])
