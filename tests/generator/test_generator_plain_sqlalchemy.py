"""An app on plain SQLAlchemy (as in Flask's docs) gets factories and an isolated session."""

from __future__ import annotations

import pytest
from generator_runs import GeneratedSuite, sample_suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The recipes app (module-level engine, scoped session, declarative_base) after init."""
    return sample_suite("plain_sqlalchemy_app", tmp_path_factory)


def test_every_model_gets_a_factory_bound_to_the_apps_session(suite: GeneratedSuite) -> None:
    factories = suite.read("tests/factories.py")
    assert "from recipes.database import db_session as app_session" in factories
    assert "sqlalchemy_session = app_session" in factories
    for model in ("Chef", "Recipe", "Tag"):
        assert f"class {model}Factory(BaseFactory):" in factories
    assert "chef = factory.SubFactory(ChefFactory)" in factories


def test_conftest_binds_the_session_to_the_test_database(suite: GeneratedSuite) -> None:
    conftest = suite.read("tests/conftest.py")
    assert "testing_engine(app_session, Base.metadata" in conftest
    assert "isolated_session(app_session) as session" in conftest
    # The app's own fixture name is not shadowed by the import of Flask's `db_session`.
    assert "def db_session(app):" in conftest


def test_the_apps_own_database_is_never_created(suite: GeneratedSuite) -> None:
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]
    assert not (suite.root / "recipes.db").exists()


def test_a_key_the_view_reads_points_at_a_row_the_test_creates(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_recipes_api.py")
    assert '"chef_id": chef.id' in tests
    assert "def test_create_recipe_returns_created(client, db_session):" in tests


def test_a_sessionmaker_app_gets_one_session_its_tests_share(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    shop = sample_suite("sessionmaker_app", tmp_path_factory)
    factories = shop.read("tests/factories.py")

    assert "shared_session = scoped_session(SessionLocal)" in factories
    assert "sqlalchemy_session = shared_session" in factories
    assert "isolated_session(shared_session)" in shop.read("tests/conftest.py")
    assert shop.tests.returncode == 0, shop.tests.stdout[-2000:]
    assert not (shop.root / "shop.db").exists()


def test_a_key_the_app_assigns_itself_gets_a_value_per_row(suite: GeneratedSuite) -> None:
    factories = suite.read("tests/factories.py")
    assert 'token = factory.Sequence(lambda n: f"token-{n}")' in factories
    tests = suite.read("tests/integration/test_recipes_api.py")
    assert 'response = client.get(f"/api/shared/{share_link.token}")' in tests
