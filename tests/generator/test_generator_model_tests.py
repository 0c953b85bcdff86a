"""Unit tests for model members: which columns decide a value, and when it is asserted exactly."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from generator_runs import GeneratedSuite, imported_factories, sample_suite
from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_testkit import isolated_database, testing_database
from flask_testkit.generator.pipeline import Suite
from flask_testkit.generator.reading.models import scan_models
from flask_testkit.generator.rendering.model_tests import (
    ModelCheck,
    collect_checks,
    render_check,
    untested_methods,
)
from flask_testkit.generator.summary import summary

db = SQLAlchemy()


class Level(enum.Enum):
    NOVICE = "novice"
    EXPERT = "expert"


class Club(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    def __str__(self) -> str:
        return self.name


class Member(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(40))
    last_name: Mapped[str] = mapped_column(String(40))
    nickname: Mapped[str | None] = mapped_column(String(40))
    birth_year: Mapped[int]
    balance: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 2))
    level: Mapped[Level] = mapped_column(default=Level.NOVICE)
    club_id: Mapped[int] = mapped_column(ForeignKey("club.id"))
    club: Mapped[Club] = relationship()

    def __repr__(self) -> str:
        return f"<Member {self.id}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        return self.nickname or self.full_name

    @property
    def club_name(self) -> str:
        return self.club.name

    @property
    def home(self) -> Club:
        return self.club

    @property
    def is_adult(self) -> bool:
        return dt.date.today().year - self.birth_year >= 18

    @property
    def is_expert(self) -> bool:
        return self.level is Level.EXPERT

    def lucky_number(self) -> int:
        return random.randint(1, 1000)

    def club_size(self) -> int:
        query = db.select(db.func.count(Member.id)).where(Member.club_id == self.club_id)
        return db.session.scalar(query) or 0

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.full_name, "club_id": self.club_id}

    def as_pair(self) -> tuple[str, decimal.Decimal]:
        return self.last_name, self.balance

    def greet(self, other: Member) -> str:
        return f"Hello {other.first_name}, I am {self.first_name}"

    def delete_account(self) -> None:
        db.session.delete(self)

    def rename(self) -> None:
        self.first_name = self.first_name.upper()

    @staticmethod
    def normalise(name: str) -> str:
        return name.strip().title()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    return app


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    application = create_app()
    with testing_database(application, default_url="sqlite://"):
        yield application


@pytest.fixture(scope="module")
def factories(app: Flask) -> ModuleType:
    """The factories `init` writes for this module's models, imported."""
    return imported_factories(app, __name__, Path(__file__).parent)


def collect(app: Flask, factories: ModuleType) -> dict[str, ModelCheck]:
    """Every member of the models above, collected as `init` collects them."""

    @contextmanager
    def isolated() -> Iterator[Any]:
        with app.app_context(), isolated_database(db) as session:
            yield session

    scan = scan_models(app, Path(__file__).parent)
    assert scan is not None
    found = collect_checks(scan, factories, isolated)
    return {f"{c.model.name}.{c.name}": c for c in found}


@pytest.fixture(scope="module")
def checks(app: Flask, factories: ModuleType) -> dict[str, ModelCheck]:
    return collect(app, factories)


def source_of(check: ModelCheck) -> str:
    rendered = render_check(check)
    assert rendered is not None
    return rendered.source


def test_value_is_asserted_for_the_columns_it_reads(checks: dict[str, ModelCheck]) -> None:
    check = checks["Member.full_name"]

    assert check.assertion == "exact"
    assert list(check.inputs) == ["first_name", "last_name"]
    assert check.expected == f"{check.inputs['first_name']} {check.inputs['last_name']}"
    assert not check.created


def test_exact_test_builds_the_row_with_those_columns_only(checks: dict[str, ModelCheck]) -> None:
    check = checks["Member.full_name"]
    first, last = check.inputs["first_name"], check.inputs["last_name"]

    assert source_of(check) == (
        "def test_member_full_name(db_session):\n"
        f'    member = MemberFactory.build(first_name="{first}", last_name="{last}")\n'
        "\n"
        f'    assert member.full_name == "{first} {last}"'
    )


def test_empty_optional_column_is_passed_as_none(checks: dict[str, ModelCheck]) -> None:
    check = checks["Member.display_name"]

    assert check.inputs == {
        "first_name": check.inputs["first_name"],
        "last_name": check.inputs["last_name"],
        "nickname": None,
    }
    assert "nickname=None" in source_of(check)


def test_parent_row_column_is_passed_through_the_sub_factory(
    checks: dict[str, ModelCheck],
) -> None:
    check = checks["Member.club_name"]

    assert list(check.inputs) == ["club__name"]
    assert f'assert member.club_name == "{check.inputs["club__name"]}"' in source_of(check)


def test_enum_column_and_boolean_value_are_written_as_names(
    checks: dict[str, ModelCheck],
) -> None:
    rendered = render_check(checks["Member.is_expert"])

    assert rendered is not None
    assert rendered.source.startswith("def test_member_is_expert_is_false(db_session):\n")
    assert "member = MemberFactory.build(level=Level.NOVICE)" in rendered.source
    assert rendered.source.endswith("assert member.is_expert is False")
    assert (__name__, "Level") in rendered.imports


def test_decimal_in_a_tuple_is_written_exactly(checks: dict[str, ModelCheck]) -> None:
    check = checks["Member.as_pair"]
    balance = check.inputs["balance"]

    assert isinstance(balance, decimal.Decimal)
    assert source_of(check).endswith(
        f'assert member.as_pair() == ("{check.inputs["last_name"]}", Decimal("{balance}"))'
    )


def test_keys_in_a_value_are_written_as_the_row_attributes(checks: dict[str, ModelCheck]) -> None:
    check = checks["Member.to_dict"]
    source = source_of(check)

    assert check.created
    assert "member = MemberFactory(first_name=" in source
    assert '"id": member.id' in source
    assert '"club_id": member.club_id' in source


@pytest.mark.parametrize(
    ("label", "relies_on", "assertion"),
    [
        ("Member.is_adult", "the current time", "isinstance(member.is_adult, bool)"),
        ("Member.lucky_number", "randomness", "isinstance(member.lucky_number(), int)"),
        ("Member.club_size", "rows in the database", "isinstance(member.club_size(), int)"),
    ],
)
def test_value_that_cannot_repeat_gets_only_a_type_check(
    checks: dict[str, ModelCheck], label: str, relies_on: str, assertion: str
) -> None:
    check = checks[label]

    assert check.assertion == "type"
    assert check.reason == f"its value depends on {relies_on}"
    assert source_of(check).endswith(f"assert {assertion}")


def test_collecting_again_chooses_the_same_values(
    app: Flask, factories: ModuleType, checks: dict[str, ModelCheck]
) -> None:
    again = collect(app, factories)

    assert [source_of(c) for c in again.values() if c.assertion] == [
        source_of(c) for c in checks.values() if c.assertion
    ]


def test_repr_that_shows_the_primary_key_gets_no_test(checks: dict[str, ModelCheck]) -> None:
    assert render_check(checks["Member.__repr__"]) is None


def test_str_of_the_parent_model_is_asserted(checks: dict[str, ModelCheck]) -> None:
    check = checks["Club.__str__"]

    assert source_of(check) == (
        "def test_club_str(db_session):\n"
        f'    club = ClubFactory.build(name="{check.inputs["name"]}")\n'
        "\n"
        f'    assert str(club) == "{check.inputs["name"]}"'
    )


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("Member.home", "it gives a Club, which a test cannot write out"),
        ("Member.greet", "takes arguments"),
        ("Member.delete_account", "its name says it changes something, so it was not called"),
        ("Member.rename", "changes the row or the session"),
        ("Member.normalise", "belongs to the class, so it was not called"),
    ],
)
def test_member_without_a_test_says_why(
    checks: dict[str, ModelCheck], label: str, reason: str
) -> None:
    assert checks[label].reason == reason
    assert render_check(checks[label]) is None


def test_untested_members_are_listed_with_their_reasons(checks: dict[str, ModelCheck]) -> None:
    listed = untested_methods(list(checks.values()))

    assert listed == [
        "Member.home: it gives a Club, which a test cannot write out",
        "Member.is_adult: only its type is checked: its value depends on the current time",
        "Member.lucky_number: only its type is checked: its value depends on randomness",
        "Member.club_size: only its type is checked: its value depends on rows in the database",
        "Member.greet: takes arguments",
        "Member.delete_account: its name says it changes something, so it was not called",
        "Member.rename: changes the row or the session",
        "Member.normalise: belongs to the class, so it was not called",
    ]


def test_summary_lists_model_methods_that_need_a_test(tmp_path: Path) -> None:
    suite = Suite({}, [], root=tmp_path, out=tmp_path / "tests")
    suite.model_methods = ["Item.restock: takes arguments"]

    lines = summary(suite, [], dry_run=False).splitlines()

    start = lines.index("Model methods that still need a unit test:")
    assert lines[start + 1] == "  Item.restock: takes arguments"


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The sample app whose Item model has properties, methods and a repr."""
    return sample_suite("config_class_app", tmp_path_factory)


def test_sample_app_method_is_asserted_with_the_value_it_computed(
    inventory: GeneratedSuite,
) -> None:
    source = inventory.read("tests/unit/test_models.py")
    found = re.search(
        r'item = ItemFactory\.build\(price=Decimal\("([\d.]+)"\)\)\n\n'
        r'    assert item\.discounted_price\(\) == Decimal\("([\d.]+)"\)',
        source,
    )

    assert found is not None, source
    price, discounted = (decimal.Decimal(v) for v in found.groups())
    assert discounted == (price * decimal.Decimal("0.9")).quantize(decimal.Decimal("0.01"))


def test_sample_app_string_method_uses_the_columns_it_joins(inventory: GeneratedSuite) -> None:
    source = inventory.read("tests/unit/test_models.py")
    found = re.search(
        r'item = ItemFactory\.build\(sku="([^"]+)", title="([^"]+)"\)\n\n'
        r'    assert item\.label\(\) == "([^"]+)"',
        source,
    )

    assert found is not None, source
    sku, title, label = found.groups()
    assert label == f"{title} ({sku})"


def test_sample_app_gets_no_test_for_methods_that_change_the_row(
    inventory: GeneratedSuite,
) -> None:
    source = inventory.read("tests/unit/test_models.py")

    assert "restock" not in source
    assert "discontinue" not in source
    assert "def test_item_in_stock_is_false(db_session):" in source
    assert "item = ItemFactory.build(quantity=0, status=StockStatus.IN_STOCK)" in source
    assert inventory.outcomes.get("passed", 0) >= 20
