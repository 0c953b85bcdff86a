"""Under pytest-xdist the workers' records merge into the serial run's report."""

from __future__ import annotations

import pytest
from endpoint_projects import report_lines

# Plugins this project does not use; leaving them out makes each process start faster.
UNUSED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")


def test_two_workers_give_the_serial_report(shop: pytest.Pytester) -> None:
    def run(*args: str) -> tuple[list[str], str]:
        json_name = f"coverage{len(args)}.json"
        result = shop.runpytest_subprocess(
            *UNUSED_PLUGINS,
            "--endpoint-coverage",
            f"--endpoint-coverage-json={json_name}",
            *args,
        )
        result.assert_outcomes(passed=10)
        return report_lines(result), (shop.path / json_name).read_text()

    serial = run()
    parallel = run("-n", "2")

    assert parallel == serial
    assert serial[0][-1] == (
        "TOTAL: 1/8 endpoints have a happy path and an error case (12.5%), 1 untested"
    )
