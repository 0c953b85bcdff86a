"""A suite for models that lean on the database runs the same on SQLite and on PostgreSQL."""

from __future__ import annotations

import re

import pytest
from generator_runs import GeneratedSuite, sample_suite, source_of_test


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """Keys named widget_id, camelCase JSON, String(n), Numeric, an Enum, @validates, CHECKs."""
    return sample_suite("portable_app", tmp_path_factory)


def api(suite: GeneratedSuite) -> str:
    return suite.read("tests/integration/test_workshop_api.py")


def test_a_primary_key_not_named_id_is_read_from_the_row(workshop: GeneratedSuite) -> None:
    assert "widget_id = widget.widget_id\n" in api(workshop)
    assert not re.search(r"\b(widget|maker)\.id\b", api(workshop))


def test_camel_case_ids_are_read_from_rows_never_written_as_numbers(
    workshop: GeneratedSuite,
) -> None:
    source = api(workshop)
    assert 'assert body["widgetId"] == widget.widget_id' in source
    assert not re.search(r'"(widgetId|makerId|stampId)": \d', source)


def test_server_default_timestamps_are_never_asserted_by_value(workshop: GeneratedSuite) -> None:
    source = api(workshop)
    assert '"createdAt"' in source and '"joinedAt"' in source  # as keys of the body only
    assert not re.search(r'\["(createdAt|joinedAt)"\] ==', source)


def test_factory_values_fit_the_column_types_and_rules(workshop: GeneratedSuite) -> None:
    factories = workshop.read("tests/factories.py")
    assert "name = factory.LazyFunction(lambda: fake.name()[:12])" in factories
    assert 'factory.Faker("pydecimal", left_digits=3, right_digits=2, positive=True)' in factories
    assert 'grade = factory.Iterator(["A", "B", "C"])' in factories
    assert 'weight_grams = factory.Faker("pyint", min_value=10, max_value=90)' in factories


def test_a_foreign_key_in_a_body_is_the_key_of_a_row_the_test_makes(
    workshop: GeneratedSuite,
) -> None:
    source = api(workshop)
    assert '"maker_id": maker.maker_id' in source
    assert 'payload = {"widgetId": widget.widget_id, "makerId": maker.maker_id}' in source


def test_integer_columns_get_integers_in_a_body(workshop: GeneratedSuite) -> None:
    assert re.search(r'"weight_grams": \d+,', api(workshop))


def test_a_factory_no_value_satisfies_is_reported_not_blamed_on_the_app(
    workshop: GeneratedSuite,
) -> None:
    refused = "could not build a valid Stamp row: ValueError: a stamp token reads the same"
    assert f"StampFactory: {refused}" in workshop.init.stdout
    assert f"GET /api/stamps/<int:stamp_id>: {refused}" in workshop.init.stdout
    assert "xfail" not in api(workshop)
    assert "StampFactory" not in workshop.read("tests/unit/test_factories.py")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """An endpoint that takes keys of two tables and answers with the second row."""
    return sample_suite("constructor_app", tmp_path_factory)


def test_a_key_is_matched_to_its_own_row_not_one_with_the_same_number(
    stores: GeneratedSuite,
) -> None:
    # Both rows have key 1 in a new database; on PostgreSQL, sequences make them differ.
    source = stores.read("tests/integration/test_stores_api.py")
    _, test = source_of_test(source, "test_get_store_member_returns_ok")
    assert 'assert body["id"] == user_model.id' in test
    assert "store_model.id\n" not in test.split("response = ")[1]
