"""The order-dependence rule: a planted pair is found and named, by bisecting."""

from __future__ import annotations

from pathlib import Path

from audit_projects import audit_json, line_of, order_suite, write_project

POLLUTER = "tests/integration/test_part_03.py::test_03_05"


def test_polluter_of_a_200_test_suite_is_named(tmp_path: Path) -> None:
    root = write_project(tmp_path, order_suite(10, 20, polluter=(3, 5), victim=(7, 12)))

    data = audit_json(root, "--seed", "1", "--budget", "120")

    found = [f for f in data["findings"] if f["rule"] == "order-dependence"]
    path = "tests/integration/test_part_07.py"
    assert [(f["path"], f["line"]) for f in found] == [(path, line_of(root, path, "test_07_12"))]
    assert found[0]["message"].startswith(f"test_07_12 fails when `{POLLUTER}` runs before it")
    assert [run["label"] for run in data["runs"]] == [
        "own order",
        "reverse",
        "random (seed 1)",
        "random (seed 2)",
    ]


def test_test_that_needs_another_to_run_first_is_named(tmp_path: Path) -> None:
    suite = order_suite(2, 5, polluter=(0, 1), victim=(1, 3), victim_needs_it=True)
    root = write_project(tmp_path, suite)

    data = audit_json(root, "--seed", "1")

    [found] = [f for f in data["findings"] if f["rule"] == "order-dependence"]
    assert found["message"].startswith(
        "test_01_03 passes only when "
        "`tests/integration/test_part_00.py::test_00_01` runs before it; alone it fails"
    )


def test_suite_that_runs_under_xdist_is_run_in_one_process(tmp_path: Path) -> None:
    suite = order_suite(2, 5, polluter=(0, 1), victim=(1, 3))
    suite["pytest.ini"] = "[pytest]\naddopts = -n 2\n"
    root = write_project(tmp_path, suite)

    data = audit_json(root, "--seed", "1")

    [found] = [f for f in data["findings"] if f["rule"] == "order-dependence"]
    assert found["message"].startswith(
        "test_01_03 fails when `tests/integration/test_part_00.py::test_00_01` runs before it"
    )


def test_independent_tests_have_no_order_finding(tmp_path: Path) -> None:
    root = write_project(tmp_path, order_suite(3, 5, polluter=(-1, -1), victim=(-1, -1)))

    data = audit_json(root, "--seed", "1")

    assert data["summary"]["by_rule"]["order-dependence"] == 0
    assert "order-dependence" not in data["not_checked"]


def test_budget_that_runs_out_is_said(tmp_path: Path) -> None:
    root = write_project(tmp_path, order_suite(2, 5, polluter=(0, 1), victim=(1, 3)))

    data = audit_json(root, "--seed", "1", "--budget", "0.2")

    assert data["notes"] == ["the budget of 0.2 s ran out while running other orders"]
    assert [run["label"] for run in data["runs"]] == ["own order"]
