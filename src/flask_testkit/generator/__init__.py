"""The suite generator behind `flask-testkit init`."""

from __future__ import annotations

from .errors import GeneratorError
from .pipeline import Options, Suite, build_suite

__all__ = ["GeneratorError", "Options", "Suite", "build_suite"]
