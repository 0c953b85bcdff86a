"""flask-testkit: the "Testing Flask" guide, made real for any Flask app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask_testkit.app_database import (
        apps_on_test_database,
        isolated_database,
        testing_database,
    )
    from flask_testkit.data_guard import blocked_databases
    from flask_testkit.data_scopes import scoped_data
    from flask_testkit.isolation import isolated_engines
    from flask_testkit.lite_database import (
        isolated_alchemical,
        isolated_lite_database,
        testing_alchemical,
        testing_lite_database,
    )
    from flask_testkit.session_database import isolated_session, testing_engine

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "apps_on_test_database",
    "blocked_databases",
    "isolated_alchemical",
    "isolated_database",
    "isolated_engines",
    "isolated_lite_database",
    "isolated_session",
    "scoped_data",
    "testing_alchemical",
    "testing_database",
    "testing_engine",
    "testing_lite_database",
]

_LAZY = {
    "apps_on_test_database": "flask_testkit.app_database",
    "blocked_databases": "flask_testkit.data_guard",
    "isolated_database": "flask_testkit.app_database",
    "testing_database": "flask_testkit.app_database",
    "isolated_engines": "flask_testkit.isolation",
    "isolated_alchemical": "flask_testkit.lite_database",
    "isolated_lite_database": "flask_testkit.lite_database",
    "testing_alchemical": "flask_testkit.lite_database",
    "testing_lite_database": "flask_testkit.lite_database",
    "scoped_data": "flask_testkit.data_scopes",
    "isolated_session": "flask_testkit.session_database",
    "testing_engine": "flask_testkit.session_database",
}


def __getattr__(name: str) -> Any:
    # Loaded on first use: `flask` commands import this package through the entry point of
    # `flask testkit`, and should not pay for SQLAlchemy when they never touch a database.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'flask_testkit' has no attribute {name!r}")
