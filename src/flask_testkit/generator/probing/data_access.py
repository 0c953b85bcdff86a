"""Probes open no database but the test one: the app's engines, and what a probe was refused."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from flask import Flask

from flask_testkit.data_guard import Refused, blocked_databases

from ..planning.endpoint_plans import EndpointPlan
from ..reading.app_loading import AppTarget
from ..reading.models import ModelScan


def layer_engines(app: Flask, scan: ModelScan | None) -> list[Any]:
    """The engines the suite's test database stands in for (or, once it is open, its own)."""
    if scan is None:
        return []
    if scan.extension is not None:
        from flask_testkit.sqlalchemy_extensions import engines_of

        return list(engines_of(app, scan.db).values())
    if scan.plain is not None:
        from flask_testkit.session_database import bound_engine

        engine = bound_engine(scan.plain.session)
        return [engine] if engine is not None else []
    from flask_testkit.app_database import app_engines

    return list(app_engines(app, scan.db).values())


def probe_guard(
    app: Flask, scan: ModelScan | None, target: AppTarget
) -> Callable[[], AbstractContextManager[Refused]]:
    """A block, around each probe, that refuses every database but the probe's own."""
    engines = layer_engines(app, scan)
    database = target.database_file

    def probe_files() -> list[str]:
        # The Flask tutorial's file database: each probe's fresh file, named in the config.
        if database is None:
            return []
        value = str(app.config.get(database.key, ""))
        return [str(Path(value.removeprefix("sqlite:///")))]

    return lambda: blocked_databases(engines, probe_files)


def leave_out_touched(plans: list[EndpointPlan], touched: dict[str, list[str]]) -> None:
    """Drop every case of an endpoint whose probe opened a database the suite cannot isolate."""
    for plan in plans:
        targets = touched.get(plan.endpoint.label)
        if targets:
            plan.cases = []
            plan.reasons = [f"it opens {targets[0]}, which flask-testkit does not isolate"]
