"""Fixtures for the endpoint-coverage tests."""

from __future__ import annotations

import pytest
from endpoint_projects import SHOP_APP, SHOP_CONFTEST, SHOP_TESTS, write_project


@pytest.fixture
def shop(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project whose endpoints cover every row kind: ok, untested, errors only, and more."""
    monkeypatch.setenv("COLUMNS", "80")
    write_project(pytester, SHOP_APP, SHOP_CONFTEST, SHOP_TESTS)
    return pytester
