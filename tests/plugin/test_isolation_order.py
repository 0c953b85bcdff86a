"""The new isolation patterns side by side, in random order and on two xdist workers."""

from __future__ import annotations

import pytest
from conftest import TRAILER

MIXED = """
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from inner_app import User, count_users, db


@pytest.mark.parametrize("n", range(4))
def test_rolled_back_commit(client, n):
    assert client.post("/users", json={"email": f"a{n}@example.com"}).json == {"count": 1}


@pytest.mark.parametrize("n", range(4))
@pytest.mark.flask_db(transaction=True)
def test_real_commit(client, independent, n):
    assert client.post("/users", json={"email": f"b{n}@example.com"}).json == {"count": 1}
    assert independent()["user"] == 1


@pytest.mark.parametrize("n", range(3))
def test_threads(app, n):
    def post(i):
        return app.test_client().post("/users", json={"email": f"t{i}@example.com"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(post, range(8))) == [201] * 8
    with app.app_context():
        assert count_users() == 8


@pytest.mark.parametrize("n", range(3))
def test_reader_around_a_commit(db_session, n):
    assert count_users() == 0
    with db.engine.connect() as reader:
        reader.scalar(sa.select(sa.func.count()).select_from(User))
        db_session.add(User(email="r@example.com"))
        db_session.commit()
    assert count_users() == 1


@pytest.mark.parametrize("n", range(3))
@pytest.mark.flask_db(reset_sequences=True)
def test_ids_start_at_one(db_session, n):
    user = User(email="s@example.com")
    db_session.add(user)
    db_session.flush()
    assert user.id == 1
"""

PASSED = 4 + 4 + 3 + 3 + 3 + 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_in_random_order(inner, seed: int) -> None:
    inner.pytester.makepyfile(test_inner=MIXED + TRAILER)
    result = inner.pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--randomly-seed={seed}")
    result.assert_outcomes(passed=PASSED)


def test_on_two_xdist_workers(inner) -> None:
    inner.pytester.makepyfile(test_inner=MIXED + TRAILER)
    result = inner.pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=PASSED)
