"""Installing the plugin changes nothing for a suite with an `app` fixture of its own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from plugin_helpers import BACKENDS, unique_postgres_url
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from flask_testkit.database import create_database, drop_database

# The suite's own fixture: the app on its own database, tables made once, nothing rolled back.
OWN_CONFTEST = """
import pytest
from inner_app import create_app, db


@pytest.fixture(scope="session")
def app():
    app = create_app()
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
"""

# Rows pass from one test to the next, in order, as a real suite did.
ORDERED_CLASS = """
import pytest
from inner_app import User, count_users, db

{marker}
class TestSignupFlow:
    def test_1_signs_up(self, app):
        with app.app_context():
            db.session.add(User(email="first@example.com"))
            db.session.commit()
            assert count_users() == 1

    def test_2_is_still_there(self, app):
        with app.app_context():
            assert count_users() == {expected}
"""


@pytest.fixture(params=BACKENDS)
def own_database(
    request: pytest.FixtureRequest, project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The database the suite's own app fixture uses, on this backend."""
    if request.param == "postgresql":
        url = unique_postgres_url("own")
        create_database(make_url(url))
        request.addfinalizer(lambda: drop_database(make_url(url)))
    elif request.param == "sqlite-file":
        url = f"sqlite:///{project.path / 'own.db'}"
    else:
        url = "sqlite://"
    monkeypatch.setenv("INNER_APP_DB", url)
    project.makeconftest(OWN_CONFTEST)
    return url


def outcomes(project: pytest.Pytester, *args: str) -> dict[str, int]:
    result = project.runpytest_inprocess("-p", "no:randomly", *args)
    return result.parseoutcomes()


def test_an_ordered_class_passes_the_same_with_and_without_the_plugin(
    project: pytest.Pytester, own_database: str
) -> None:
    project.makepyfile(ORDERED_CLASS.format(marker="", expected=1))
    without = outcomes(project, "-p", "no:flask_testkit")
    assert without == {"passed": 2}
    assert outcomes(project) == without
    # Nothing of the plugin's was put in the suite's database.
    if own_database != "sqlite://":
        engine = sa.create_engine(own_database, poolclass=NullPool)
        with engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == []
        engine.dispose()


def test_the_flask_db_marker_isolates_a_test_on_the_suites_own_app(
    project: pytest.Pytester, own_database: str
) -> None:
    project.makepyfile(ORDERED_CLASS.format(marker="@pytest.mark.flask_db", expected=0))
    assert outcomes(project) == {"passed": 2}


def test_the_ini_key_isolates_every_test_on_the_suites_own_app(
    project: pytest.Pytester, own_database: str
) -> None:
    project.makeini("[pytest]\nflask_db_isolate_all = true\n")
    project.makepyfile(ORDERED_CLASS.format(marker="", expected=0))
    assert outcomes(project) == {"passed": 2}


def test_the_plugins_own_app_is_isolated_without_asking(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nflask_app = inner_app:create_app()\n")
    project.makepyfile(ORDERED_CLASS.format(marker="", expected=0))
    assert outcomes(project) == {"passed": 2}


def test_db_session_isolates_a_test_on_the_suites_own_app(
    project: pytest.Pytester, own_database: str
) -> None:
    project.makepyfile(
        """
from inner_app import User, count_users


def test_1_writes(db_session):
    db_session.add(User(email="first@example.com"))
    db_session.commit()
    assert count_users() == 1


def test_2_sees_nothing(db_session):
    assert count_users() == 0
"""
    )
    assert outcomes(project) == {"passed": 2}
