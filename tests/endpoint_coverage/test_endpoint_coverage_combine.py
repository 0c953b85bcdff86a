"""`flask-testkit coverage combine`: shards merged give the report of one whole run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_endpoint_report_terminal import SHOP_REPORT

COMMAND = str(Path(sys.executable).with_name("flask-testkit"))


def run_shards(shop: pytest.Pytester) -> list[str]:
    """Run the shop's suite as two shards, each writing its JSON; return the files."""
    for shard, selection in (("1", "item"), ("2", "not item")):
        result = shop.runpytest("-k", selection, f"--endpoint-coverage-json=shard-{shard}.json")
        assert result.ret == pytest.ExitCode.OK
    return ["shard-1.json", "shard-2.json"]


def test_combined_shards_equal_one_whole_run(shop: pytest.Pytester) -> None:
    shards = run_shards(shop)
    shop.runpytest("--endpoint-coverage-json=whole.json")

    result = shop.run(COMMAND, "coverage", "combine", *shards, "--json", "all.json")

    assert result.ret == 0
    # The same table as the run's own, without pytest's section title.
    assert result.stdout.lines[: len(SHOP_REPORT) - 1] == SHOP_REPORT[1:]
    whole = json.loads((shop.path / "whole.json").read_text())
    assert json.loads((shop.path / "all.json").read_text()) == whole
    assert whole["summary"]["complete"] == 1


def test_combine_writes_html_and_applies_the_gate(shop: pytest.Pytester) -> None:
    shards = run_shards(shop)

    result = shop.run(
        COMMAND, "coverage", "combine", *shards, "--html", "report", "--fail-under", "50"
    )

    assert result.ret == 1
    assert result.stdout.lines[-2:] == [
        f"Endpoint coverage HTML written to file {Path('report') / 'index.html'}",
        "FAIL Endpoint coverage 12.5% is under the required 50%: test the flagged rows.",
    ]
    assert "<b>1/8</b>" in (shop.path / "report" / "index.html").read_text()


def test_combine_passes_the_gate_it_meets(shop: pytest.Pytester) -> None:
    shards = run_shards(shop)

    result = shop.run(COMMAND, "coverage", "combine", *shards, "--fail-under", "12.5")

    assert result.ret == 0
    assert result.stdout.lines[-1] == "Endpoint coverage 12.5% meets the required 12.5%."


def test_combine_refuses_a_file_without_records(pytester: pytest.Pytester) -> None:
    pytester.makefile(".json", old='{"version": 1, "summary": {}}')

    result = pytester.run(COMMAND, "coverage", "combine", "old.json")

    assert result.ret == 1
    assert result.stderr.lines == [
        "Error: old.json: has no records to merge: write it with pytest "
        "--endpoint-coverage-json from this version of flask-testkit."
    ]
