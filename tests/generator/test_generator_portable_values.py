"""The value choosers: factory values fit their columns, xfails name a portable exception."""

from __future__ import annotations

import decimal
import enum
import sqlite3
from typing import Any

import factory
import psycopg
import pytest
import sqlalchemy as sa
import sqlalchemy.exc
from faker import Faker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from flask_testkit.generator.planning.value_candidates import candidates, column_hints
from flask_testkit.generator.planning.values import faker_declaration, numeric_declaration
from flask_testkit.generator.probing.assigned_values import differing_paths, is_database_assigned
from flask_testkit.generator.reading.models import ColumnInfo, ModelInfo
from flask_testkit.generator.rendering.assertions import is_stable, portable_exception


class Base(DeclarativeBase):
    pass


class Tone(enum.Enum):
    LOW = "low"
    HIGH = "high"


class Part(Base):
    __tablename__ = "part"
    __table_args__ = (sa.CheckConstraint("weight BETWEEN 10 AND 90", name="weight_range"),)

    part_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(10))
    code: Mapped[str] = mapped_column(sa.String(4), unique=True)
    price: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 2))
    weight: Mapped[int]
    tone: Mapped[Tone]
    grade: Mapped[str] = mapped_column(sa.String(1))
    stamped: Mapped[sa.DateTime] = mapped_column(sa.DateTime, server_default=sa.func.now())

    @validates("grade")
    def check_grade(self, key: str, value: str) -> str:
        if value not in ("A", "B"):
            raise ValueError("grade")
        return value


def column(key: str) -> ColumnInfo:
    col = Part.__table__.c[key]
    return ColumnInfo(key, col, bool(col.nullable), bool(col.unique), False, col.primary_key)


def values(source: str, count: int = 200) -> list[Any]:
    """What a declaration gives, row after row."""
    names = {"factory": factory, "fake": Faker(), "Tone": Tone}
    maker = type("F", (factory.Factory,), {"Meta": type("Meta", (), {"model": dict})})
    built = type("G", (maker,), {"value": eval(source, names)})
    return [built()["value"] for _ in range(count)]


def test_a_short_string_column_gets_values_no_longer_than_its_length() -> None:
    source, _ = faker_declaration(column("name"), "Part")

    assert max(len(v) for v in values(source)) <= 10


def test_a_short_unique_string_column_gets_values_that_fit() -> None:
    source, _ = faker_declaration(column("code"), "Part")

    made = values(source, 500)
    assert max(len(v) for v in made) <= 4 and len(set(made)) == 500


@pytest.mark.parametrize(("precision", "scale"), [(5, 2), (3, 0), (2, 2), (12, 4)])
def test_a_numeric_column_gets_values_within_its_precision_and_scale(
    precision: int, scale: int
) -> None:
    for value in values(numeric_declaration(sa.Numeric(precision, scale))):
        digits = value.as_tuple()
        assert -digits.exponent <= scale
        assert len(digits.digits) <= precision


def test_an_integer_column_gets_integers() -> None:
    source, _ = faker_declaration(column("weight"), "Part")

    assert {type(v) for v in values(source)} == {int}


def test_a_check_constraint_and_a_validator_are_read_for_candidates() -> None:
    model = ModelInfo(Part, [column("weight"), column("grade")])

    assert column_hints(model, column("weight")).numbers == [10.0, 90.0]
    assert ["A", "B"] in column_hints(model, column("grade")).choices
    found = [source for source, _ in candidates(model, column("weight"), ("x", set()))]
    assert 'factory.Faker("pyint", min_value=10, max_value=90)' in found
    assert all(10 <= v <= 90 for v in values(found[1]))


def test_an_enum_column_gets_each_member_as_a_candidate() -> None:
    model = ModelInfo(Part, [column("tone")])

    found = [source for source, _ in candidates(model, column("tone"), ("x", set()))]
    assert found[1:] == ["factory.Iterator([Tone.LOW])", "factory.Iterator([Tone.HIGH])"]


@pytest.mark.parametrize(
    ("raised", "named"),
    [
        (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.IntegrityError),
        (sqlalchemy.exc.OperationalError, sqlalchemy.exc.DBAPIError),
        (sqlalchemy.exc.ProgrammingError, sqlalchemy.exc.DBAPIError),
        (sqlalchemy.exc.DataError, sqlalchemy.exc.DBAPIError),
        (psycopg.errors.UniqueViolation, psycopg.IntegrityError),
        (sqlite3.IntegrityError, sqlite3.IntegrityError),
        (ValueError, ValueError),
    ],
)
def test_an_xfail_names_an_exception_every_database_raises(
    raised: type[BaseException], named: type[BaseException]
) -> None:
    assert portable_exception(raised) is named


@pytest.mark.parametrize(
    ("key", "assigned"),
    [("part_id", True), ("stamped", True), ("name", False), ("weight", False)],
)
def test_database_assigned_columns_are_read_from_the_model(key: str, assigned: bool) -> None:
    assert is_database_assigned(Part.__table__.c[key]) is assigned


def test_a_camel_case_id_that_moves_with_earlier_rows_is_not_stable() -> None:
    first = {"partId": 1, "name": "bolt", "items": [{"itemId": 3, "size": 2}]}
    second = {"partId": 2, "name": "bolt", "items": [{"itemId": 4, "size": 2}]}

    moved = differing_paths(first, second)

    assert moved == {("partId",), ("items", "*", "itemId")}
    assert not is_stable(first, set(), moved)
    assert is_stable({"name": "bolt"}, set(), moved)


def test_a_value_longer_than_its_string_column_is_a_refusal() -> None:
    from flask_testkit.generator.planning.factory_specs import FactorySpec
    from flask_testkit.generator.probing.row_trials import _too_long

    spec = FactorySpec(ModelInfo(Part, [column("name"), column("code")]))
    fits = Part(name="bolt", code="B1")
    # SQLite stores this row; PostgreSQL refuses it, as it refuses an app's over-long hash.
    too_long = Part(name="bolt", code="B12345")
    assert _too_long(spec, [fits]) == (None, None)
    assert _too_long(spec, [fits, too_long]) == (
        "code",
        "code gets a value of 6 characters, longer than its column String(4) "
        "(PostgreSQL refuses it)",
    )
