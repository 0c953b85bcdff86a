"""The hook a suite's conftest implements to exempt endpoints from the error-case rule."""

from __future__ import annotations

import pytest


def pytest_endpoint_coverage_exemptions(config: pytest.Config) -> list[str]:  # type: ignore[empty-body]
    """Lines like those of the ini's endpoint_coverage_exempt (`METHOD /rule  reason`).

    The lines of every implementation are added to the ini's. A generated conftest uses it for
    the endpoints that read nothing from the request, so that no request can be refused.
    """
