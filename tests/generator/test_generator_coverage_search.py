"""The coverage-guided search: requests near a working one, kept when they run new lines.

searched_app's branches are each reached by one kind of change: a query value its code compares
with, a row it looks for first, a body key that repeats the path's, a link that must exist
before it is removed, a flag on the URL's row, a limit it clips. With `--budget 0` none of
those tests is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from generator_runs import GeneratedSuite, copy_sample, run_init, sample_suite, source_of_test

from flask_testkit.generator.probing.line_meter import LineMeter, function_lines
from flask_testkit.generator.probing.row_lookups import recorded_row_lookups
from flask_testkit.generator.reading.view_source import compared_constants

SEARCHED = {
    "test_list_cards_with_status_archived_returns_ok": ('query_string={"status": "archived"}',),
    "test_show_board_with_locked_true_returns_locked": ("BoardFactory(locked=True)", "== 423"),
    "test_add_label_without_board_id_returns_created": ('payload = {"name": ', "== 201"),
    "test_add_label_with_existing_label_of_same_board_and_name_returns_conflict": (
        "LabelFactory(board=board",
        "== 409",
    ),
    "test_remove_label_with_linked_labels_returns_ok": ("CardFactory(labels=[label])", "== 200"),
    "test_card_window_with_limit_1000000_returns_ok": ('"limit": "1000000"', "== 200"),
}


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    return sample_suite("searched_app", tmp_path_factory)


@pytest.mark.parametrize("name", SEARCHED)
def test_the_search_writes_the_case_that_reaches_each_branch(
    searched: GeneratedSuite, name: str
) -> None:
    module = searched.read("tests/integration/test_boards_api.py")
    _, test = source_of_test(module, name)
    for part in SEARCHED[name]:
        assert part in test


def test_a_found_request_that_works_gets_the_error_cases_of_its_endpoint(
    searched: GeneratedSuite,
) -> None:
    # Removing a label no card has crashes; once the linked request works, the missing card is
    # the error case.
    module = searched.read("tests/integration/test_boards_api.py")
    _, test = source_of_test(module, "test_remove_label_with_missing_card_returns_not_found")
    assert "db_session.delete(card)" in test and "== 404" in test


def test_the_summary_says_what_the_search_kept_and_the_crash_it_found(
    searched: GeneratedSuite,
) -> None:
    output = searched.init.stdout
    assert "Coverage-guided search: " in output
    line = next(x for x in output.splitlines() if x.startswith("Coverage-guided search: "))
    kept = int(line.split(": ", 1)[1].split()[0])
    assert kept >= len(SEARCHED)
    before, after = line.rsplit(": ", 1)[1].split(" -> ")
    assert int(after) > int(before)
    assert "GET /cards/window with limit: the app fails (ValueError: invalid literal" in output
    assert searched.outcomes.get("failed", 0) == 0


def test_without_a_budget_none_of_those_cases_is_written(tmp_path: Path) -> None:
    root = copy_sample("searched_app", tmp_path)
    result = run_init(root, "--app", "boards:create_app('testing')", "--budget", "0")
    assert result.returncode == 0, result.stderr
    module = (root / "tests/integration/test_boards_api.py").read_text()
    assert not [name for name in SEARCHED if f"def {name}(" in module]
    assert "Coverage-guided search" not in result.stdout


def test_compared_constants_are_the_ones_conditions_compare_with() -> None:
    def view(status: str, limit: int) -> str:
        message = "not compared"
        if status == "archived" or status in ("open", "closed"):
            return message
        if limit > 50 and status is not None:
            return "big"
        return "small"

    assert compared_constants(view, 12) == ["archived", "open", "closed", 50]


def test_the_meter_counts_each_labelled_request_s_lines_apart(tmp_path: Path) -> None:
    source = tmp_path / "branches.py"
    source.write_text("def pick(x):\n    if x:\n        return 'yes'\n    return 'no'\n")
    namespace: dict[str, object] = {}
    exec(compile(source.read_text(), str(source), "exec"), namespace)
    pick = namespace["pick"]
    meter = LineMeter(tmp_path)

    with meter.batch() as lines:
        meter.label("yes")
        pick(True)  # type: ignore[operator]
        meter.idle()
        pick(False)  # type: ignore[operator]
        meter.label("no")
        pick(False)  # type: ignore[operator]

    path = str(source.resolve())
    assert lines["yes"] == {(path, 2), (path, 3)}
    assert lines["no"] == {(path, 2), (path, 4)}
    assert function_lines(pick) == {(path, 2), (path, 3), (path, 4)}


def test_row_searches_give_the_columns_a_query_compared_with_values() -> None:
    db = SQLAlchemy()

    class Tag(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(40))
        store_id = db.Column(db.Integer)

    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    with app.app_context():
        db.create_all()
        with recorded_row_lookups() as found:
            db.session.scalars(db.select(Tag).filter_by(store_id=3, name="urgent")).first()
            db.session.scalars(db.select(Tag).filter(Tag.name == "later")).all()
            db.session.scalars(db.select(Tag)).all()

    assert found.searches == [(Tag, {"store_id": 3, "name": "urgent"}), (Tag, {"name": "later"})]


def test_a_bearer_token_the_app_never_issued_gets_its_own_answer(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # flask-jwt-extended answers a token it cannot decode with 422, unlike a missing one (401).
    suite = sample_suite("jwt_api_app", tmp_path_factory)
    module = suite.read("tests/integration/test_auth_api.py")
    _, test = source_of_test(module, "test_me_with_invalid_token_returns_unprocessable_entity")
    assert 'headers={"Authorization": "Bearer not-a-token-this-app-issued"}' in test
    assert "assert response.status_code == 422" in test
