"""Endpoint coverage: which endpoints have a happy-path test and an error-case test."""

from __future__ import annotations

from flask_testkit.endpoint_coverage.records import Records
from flask_testkit.endpoint_coverage.report import Flag, Report, Row, build_report
from flask_testkit.endpoint_coverage.routes import Route, routes_of

__all__ = ["Flag", "Records", "Report", "Route", "Row", "build_report", "routes_of"]
