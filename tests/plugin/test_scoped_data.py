"""Rows made once by class-, module- and session-scoped fixtures: seen by their scope, then gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugin_helpers import BACKENDS, unique_postgres_url, user_factory_source

PROJECT = Path(__file__).parent / "project"

CONFTEST = """
import pytest
import sqlalchemy as sa
from factories import UserFactory
from inner_app import User, db

from flask_testkit import scoped_data


def emails():
    return sorted(db.session.scalars(sa.select(User.email)))


@pytest.fixture(scope="session", autouse=True)
def nothing_left_at_the_end(app):
    yield
    # Torn down after every scope's rows: the engine is the app's own again.
    with app.app_context():
        assert emails() == [], "rows of a scope outlived it"


@pytest.fixture(scope="session")
def admin(request):
    with scoped_data(request):
        return UserFactory(email="admin@example.com")
"""

MODULE_A = """
import pytest
from conftest import emails
from factories import UserFactory
from inner_app import User

from flask_testkit import scoped_data


@pytest.fixture(scope="module")
def members(request, admin):
    with scoped_data(request) as session:
        first = UserFactory(email="a1@example.com")
        second = User(email="a2@example.com")
        session.add(second)
        return [first, second]


@pytest.mark.parametrize("n", range(3))
def test_a_view_commits_over_the_scopes_rows(client, members, n):
    assert client.get("/users/count").json == {"count": 3}
    assert client.post("/users", json={"email": f"new{n}@example.com"}).json == {"count": 4}


@pytest.mark.parametrize("n", range(2))
def test_deleting_a_scope_row_is_undone(db_session, members, n):
    db_session.delete(db_session.get(User, members[0].id))
    db_session.commit()
    assert emails() == ["a2@example.com", "admin@example.com"]


def test_the_rows_keep_their_columns(members, admin):
    assert [user.email for user in members] == ["a1@example.com", "a2@example.com"]
    assert len({members[0].id, members[1].id, admin.id}) == 3


def test_a_factory_in_the_test_adds_to_them(db_session, members):
    UserFactory(email="own@example.com")
    assert emails() == ["a1@example.com", "a2@example.com", "admin@example.com", "own@example.com"]


class TestClassRows:
    @pytest.fixture(scope="class")
    def guest(self, request, members):
        with scoped_data(request):
            return UserFactory(email="guest@example.com")

    @pytest.mark.parametrize("n", range(2))
    def test_all_three_scopes(self, db_session, guest, n):
        assert emails() == [
            "a1@example.com", "a2@example.com", "admin@example.com", "guest@example.com"
        ]
        UserFactory(email=f"class{n}@example.com")


def test_the_class_rows_are_not_the_modules(db_session, members):
    assert "guest@example.com" not in emails()
"""

MODULE_B = """
from conftest import emails
from factories import UserFactory


def test_only_the_session_rows(db_session, admin):
    assert emails() == ["admin@example.com"]
    UserFactory(email="b@example.com")


def test_another_module_starts_clean_of_the_test_before(db_session, admin):
    assert emails() == ["admin@example.com"]


def test_a_test_without_the_scope_fixture(db_session):
    assert "a1@example.com" not in emails()
"""

PASSED = 3 + 2 + 1 + 1 + 2 + 1 + 3


def scoped_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, backend: str):
    pytester.makepyfile(factories=user_factory_source(persistence="commit"))
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nflask_app = inner_app:create_app()\n")
    if backend == "sqlite-file":
        monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{pytester.path / 'inner.db'}")
    elif backend == "postgresql":
        monkeypatch.setenv("TEST_DATABASE_URL", unique_postgres_url("scoped"))
    return pytester


@pytest.fixture(params=BACKENDS)
def scoped(request, project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """The inner project with session, module and class rows, on each backend of this run."""
    project.makepyfile(test_a=MODULE_A, test_b=MODULE_B)
    return scoped_project(project, monkeypatch, request.param)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_scope_sees_its_rows_in_any_order(scoped: pytest.Pytester, seed: int) -> None:
    result = scoped.runpytest_inprocess("-p", "no:cacheprovider", f"--randomly-seed={seed}")
    result.assert_outcomes(passed=PASSED)


def test_each_scope_sees_its_rows_on_two_xdist_workers(scoped: pytest.Pytester) -> None:
    result = scoped.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=PASSED)


def test_the_rows_are_not_committed(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection never sees them: they live in the test connection's transaction."""
    # The last backend of the run is one a second connection can reach (a file, or a server).
    scoped = scoped_project(project, monkeypatch, BACKENDS[-1])
    scoped.makepyfile(
        test_c="""
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from inner_app import User, db


def test_outside_view(app, admin, db_session):
    reader = sa.create_engine(db.engine.url, poolclass=NullPool)
    with reader.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    reader.dispose()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
"""
    )
    result = scoped.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


MISUSES = {
    "a function-scoped fixture": (
        """
import pytest
from flask_testkit import scoped_data


@pytest.fixture
def rows(request):
    with scoped_data(request):
        return 1


def test_misuse(rows):
    pass
""",
        "*scoped_data() is for fixtures with scope 'class', 'module'*function-scoped*",
    ),
    "a test that commits for real inside the scope": (
        """
import pytest


@pytest.mark.flask_db(transaction=True)
def test_misuse(admin, client):
    pass
""",
        "*flask_db(transaction=True) would commit the rows of the scope's fixture*",
    ),
    "a block left open while the tests run": (
        """
import pytest
from factories import UserFactory
from flask_testkit import scoped_data


@pytest.fixture(scope="module")
def rows(request):
    with scoped_data(request):
        yield UserFactory()


def test_misuse(rows, client):
    pass
""",
        "*a test started inside a scoped_data() block*End the block before the fixture*",
    ),
}


@pytest.mark.parametrize("case", MISUSES)
def test_a_misuse_fails_in_one_line(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    source, message = MISUSES[case]
    project.makepyfile(test_misuse=source)
    scoped_project(project, monkeypatch, BACKENDS[0])
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.stdout.fnmatch_lines([message])
    assert "Traceback" not in result.stdout.str()
    assert result.ret != 0


EXTENSION_TESTS = """
import pytest
import sqlalchemy as sa
from APP import Note, session

from flask_testkit import scoped_data


@pytest.fixture(scope="session", autouse=True)
def nothing_left_at_the_end(app):
    yield
    with app.app_context():
        assert session().scalar(sa.select(sa.func.count()).select_from(Note)) == 0


@pytest.fixture(scope="module")
def note(request):
    with scoped_data(request) as db_session:
        db_session.add(Note(title="module"))
    return "module"


@pytest.mark.parametrize("n", range(3))
def test_a_commit_over_the_modules_row(client, note, n):
    assert client.get("/notes/count").json == {"count": 1}
    assert client.post("/notes", json={"title": f"own{n}"}).json == {"count": 2}
"""


@pytest.mark.parametrize("app_module", ["lite_app", "alchemical_app"])
def test_scoped_rows_on_flask_sqlalchemy_lite_and_alchemical(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app_module: str
) -> None:
    for name in ("FLASK_APP", "TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "DATA_APP_DB"):
        monkeypatch.delenv(name, raising=False)
    for name in ("lite_app", "alchemical_app", "data_views"):
        pytester.makefile(".py", **{name: (PROJECT / f"{name}.py").read_text()})
    pytester.makeini(f"[pytest]\nflask_app = {app_module}:create_app()\n")
    if BACKENDS[-1] == "postgresql":
        monkeypatch.setenv("TEST_DATABASE_URL", unique_postgres_url("scoped"))
    pytester.makepyfile(test_notes=EXTENSION_TESTS.replace("APP", app_module))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--randomly-seed=2")
    result.assert_outcomes(passed=3)
