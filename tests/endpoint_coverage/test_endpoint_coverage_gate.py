"""--endpoint-coverage-fail-under: the run fails when too few endpoints are complete."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("fail_under", "exit_code", "message"),
    [
        ("10", pytest.ExitCode.OK, "Endpoint coverage 12.5% meets the required 10%."),
        ("12.5", pytest.ExitCode.OK, "Endpoint coverage 12.5% meets the required 12.5%."),
        (
            "12.6",
            pytest.ExitCode.TESTS_FAILED,
            "FAIL Endpoint coverage 12.5% is under the required 12.6%: test the flagged rows.",
        ),
        (
            "100",
            pytest.ExitCode.TESTS_FAILED,
            "FAIL Endpoint coverage 12.5% is under the required 100%: test the flagged rows.",
        ),
    ],
)
def test_gate_compares_complete_share_with_threshold(
    shop: pytest.Pytester, fail_under: str, exit_code: pytest.ExitCode, message: str
) -> None:
    result = shop.runpytest(f"--endpoint-coverage-fail-under={fail_under}")

    result.assert_outcomes(passed=10)
    assert result.ret == exit_code
    assert result.stdout.lines[-2] == message


def test_gate_keeps_the_exit_code_of_failing_tests(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_more="def test_broken():\n    assert 1 == 2\n")

    result = shop.runpytest("--endpoint-coverage-fail-under=100")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL Endpoint coverage 12.5% is under the required 100%: *"])


def test_gate_fails_a_run_that_saw_no_app(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_sum():\n    assert sum([1, 2]) == 3\n")

    result = pytester.runpytest("--endpoint-coverage-fail-under=50")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL Endpoint coverage 0% is under the required 50%: *"])


@pytest.mark.parametrize("value", ["150", "-1"])
def test_threshold_must_be_a_percentage(pytester: pytest.Pytester, value: str) -> None:
    result = pytester.runpytest(f"--endpoint-coverage-fail-under={value}")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: --endpoint-coverage-fail-under={value} is not a percentage: give a number *"]
    )
