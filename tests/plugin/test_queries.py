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
