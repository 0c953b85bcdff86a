"""flask-testkit: the "Testing Flask" guide, made real for any Flask app."""

from __future__ import annotations

from flask_testkit.app_database import isolated_database, testing_database
from flask_testkit.isolation import isolated_engines

__version__ = "0.1.0"

__all__ = ["__version__", "isolated_database", "isolated_engines", "testing_database"]
