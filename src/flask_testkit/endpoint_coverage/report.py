"""The report model: one row per endpoint, flagged by what its tests prove."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby

from flask_testkit.endpoint_coverage.records import Records, TestsByStatus
from flask_testkit.endpoint_coverage.routes import Route, method_rank


class Flag(enum.Enum):
    """What an endpoint's tests leave unproven."""

    UNTESTED = "untested"
    NO_HAPPY_PATH = "no happy path"
    NO_ERROR_CASE = "no error case"
    SERVER_ERROR = "server error"


def is_happy(status: int) -> bool:
    """A 2xx or 3xx answer: the endpoint did its job."""
    return 200 <= status < 400


def is_error_case(status: int) -> bool:
    """A 4xx answer: the endpoint refused a bad request."""
    return 400 <= status < 500


def is_server_error(status: int) -> bool:
    """A 5xx answer: the endpoint broke."""
    return status >= 500


def flags_for(statuses: Iterable[int]) -> tuple[Flag, ...]:
    """The flags of an endpoint that answered with these statuses."""
    seen = list(statuses)
    if not seen:
        return (Flag.UNTESTED,)
    flags = []
    if not any(map(is_happy, seen)):
        flags.append(Flag.NO_HAPPY_PATH)
    if not any(map(is_error_case, seen)):
        flags.append(Flag.NO_ERROR_CASE)
    if any(map(is_server_error, seen)):
        flags.append(Flag.SERVER_ERROR)
    return tuple(flags)


def _frozen(tests_by_status: TestsByStatus | None) -> dict[int, tuple[str, ...]]:
    if not tests_by_status:
        return {}
    return {status: tuple(sorted(tests_by_status[status])) for status in sorted(tests_by_status)}


class _Answered:
    """What a row knows of the answers it got: tests keyed by status, ascending."""

    tests_by_status: Mapping[int, tuple[str, ...]]

    @property
    def statuses(self) -> tuple[int, ...]:
        """The distinct statuses seen, ascending."""
        return tuple(self.tests_by_status)

    @property
    def tests(self) -> tuple[str, ...]:
        """The distinct tests behind this row."""
        return tuple(sorted({t for tests in self.tests_by_status.values() for t in tests}))


@dataclass(frozen=True)
class Row(_Answered):
    """One endpoint (rule x method) and the tests behind each status it answered."""

    route: Route
    tests_by_status: Mapping[int, tuple[str, ...]]

    @property
    def flags(self) -> tuple[Flag, ...]:
        """What this endpoint's tests leave unproven."""
        return flags_for(self.statuses)

    @property
    def complete(self) -> bool:
        """True when the endpoint has both a happy path and an error case."""
        statuses = self.statuses
        return any(map(is_happy, statuses)) and any(map(is_error_case, statuses))


@dataclass(frozen=True)
class UnmatchedRow(_Answered):
    """Requests to a path that matched no URL rule; they prove nothing about any endpoint."""

    app: str
    method: str
    path: str
    tests_by_status: Mapping[int, tuple[str, ...]]


@dataclass(frozen=True)
class Group:
    """The endpoints of one blueprint (or of the app itself) of one app."""

    app: str
    blueprint: str
    rows: tuple[Row, ...]

    def title(self, with_app: bool) -> str:
        """The blueprint's name, prefixed by the app's when the run saw several apps."""
        name = self.blueprint or "(no blueprint)"
        return f"{self.app}: {name}" if with_app else name


@dataclass(frozen=True)
class Report:
    """Everything the renderers show."""

    groups: tuple[Group, ...]
    unmatched: tuple[UnmatchedRow, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        """Every endpoint, in report order."""
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def apps(self) -> tuple[str, ...]:
        """The names of the apps seen, sorted."""
        return tuple(sorted({group.app for group in self.groups}))

    @property
    def total(self) -> int:
        """Number of endpoints."""
        return len(self.rows)

    @property
    def tested(self) -> int:
        """Number of endpoints that at least one test reached."""
        return sum(1 for row in self.rows if row.statuses)

    @property
    def complete(self) -> int:
        """Number of endpoints with both a happy path and an error case."""
        return sum(1 for row in self.rows if row.complete)

    @property
    def percent(self) -> float:
        """Share of complete endpoints; 0 when there is no endpoint, since nothing was proven."""
        return 100.0 * self.complete / self.total if self.total else 0.0

    def meets(self, fail_under: float) -> bool:
        """True when the share of complete endpoints is at least fail_under percent."""
        return self.complete * 100 >= fail_under * self.total and (
            self.total > 0 or fail_under <= 0
        )


def percent_label(percent: float) -> str:
    """The percentage rounded down to one decimal, so that it never shows more than is true."""
    floored = math.floor(percent * 10 + 1e-9) / 10
    text = f"{floored:.1f}".removesuffix(".0")
    return f"{text}%"


def build_report(records: Records, include_implicit: bool = False) -> Report:
    """Turn recorded routes and requests into the report model."""
    routes = [r for r in records.routes if include_implicit or not r.implicit]
    # The same rule can be known under several instances of one app; keep it once.
    routes = sorted(set(routes), key=lambda r: (r.app, r.blueprint, *r.sort_key, r.endpoint))
    groups = []
    for (app, blueprint), members in groupby(routes, key=lambda r: (r.app, r.blueprint)):
        rows = tuple(Row(route, _frozen(records.hits.get(route.key))) for route in members)
        groups.append(Group(app, blueprint, rows))
    unmatched = tuple(
        UnmatchedRow(app, method, path, _frozen(statuses))
        for (app, method, path), statuses in sorted(
            records.unmatched.items(), key=lambda item: _unmatched_order(*item[0])
        )
    )
    return Report(tuple(groups), unmatched)


def _unmatched_order(app: str, method: str, path: str) -> tuple[str, str, int, str]:
    return (app, path, method_rank(method), method)
