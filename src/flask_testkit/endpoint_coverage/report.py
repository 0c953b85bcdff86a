"""The report model: one row per endpoint, flagged by what its tests prove."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby

from flask_testkit.endpoint_coverage.exemptions import Exemption
from flask_testkit.endpoint_coverage.records import Records
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
    return _flags([_kind(status) for status in statuses])


def _flags(kinds: list[str]) -> tuple[Flag, ...]:
    # The rule's 405 is shown on the row, but no request of the row's own method was refused.
    kinds = [kind for kind in kinds if kind != NOT_ALLOWED]
    if not kinds:
        return (Flag.UNTESTED,)
    flags = []
    if "happy" not in kinds:
        flags.append(Flag.NO_HAPPY_PATH)
    if "error" not in kinds:
        flags.append(Flag.NO_ERROR_CASE)
    if "server" in kinds:
        flags.append(Flag.SERVER_ERROR)
    return tuple(flags)


def _frozen(tests_by_status: Mapping[int, set[str]] | None) -> dict[int, tuple[str, ...]]:
    if not tests_by_status:
        return {}
    return {status: tuple(sorted(tests_by_status[status])) for status in sorted(tests_by_status)}


#: How a status shows when it is a redirect that sent an unauthenticated request to sign in.
LOGIN_LABEL = "{status} \u2192 login"
#: How a status shows when the page answered a submission that its form refused.
FORM_LABEL = "{status} form refused"
#: How the rule's 405 shows on each of its rows: the methods that the rule refused.
NOT_ALLOWED_LABEL = "405 ({methods})"
#: What the rule's 405 counts as: the rule's method-not-allowed check, not an error case of
#: the row, since Flask answers it before any of the app's code runs.
NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class Answer:
    """One answer an endpoint gave, as the report counts it, and the tests behind it."""

    status: int
    label: str
    #: "happy", "error", "server" or "not_allowed": what the answer proves.
    counts_as: str
    tests: tuple[str, ...]


def _kind(status: int) -> str:
    if is_server_error(status):
        return "server"
    if is_error_case(status):
        return "error"
    return "happy" if is_happy(status) else "other"


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
    #: What the endpoint answered, login redirects left out.
    tests_by_status: Mapping[int, tuple[str, ...]]
    #: Redirects that sent a request without credentials to the login view.
    login_redirects: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    #: The rule's 405 answers, by the method it does not take: an error case of each of its rows.
    not_allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exemption: Exemption | None = None
    #: Submissions the page's form refused, answered with the form again.
    refused_forms: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def answers(self) -> tuple[Answer, ...]:
        """Every answer the row shows, by status: its own, login redirects, the rule's 405."""
        answers = [Answer(s, str(s), _kind(s), t) for s, t in self.tests_by_status.items()]
        answers += [
            Answer(s, LOGIN_LABEL.format(status=s), "error", t)
            for s, t in self.login_redirects.items()
        ]
        answers += [
            Answer(s, FORM_LABEL.format(status=s), "error", t)
            for s, t in self.refused_forms.items()
        ]
        refused = {t for tests in self.not_allowed.values() for t in tests}
        if refused:
            # Labelled with the methods sent, as the row's own method was not the one refused.
            label = NOT_ALLOWED_LABEL.format(methods="/".join(self.not_allowed))
            answers.append(Answer(405, label, NOT_ALLOWED, tuple(sorted(refused))))
        return tuple(sorted(answers, key=lambda a: (a.status, a.label)))

    @property
    def tests(self) -> tuple[str, ...]:
        """The distinct tests behind this row."""
        return tuple(sorted({t for answer in self.answers for t in answer.tests}))

    @property
    def flags(self) -> tuple[Flag, ...]:
        """What this endpoint's tests leave unproven."""
        return _flags([answer.counts_as for answer in self.answers])

    @property
    def complete(self) -> bool:
        """True when the endpoint has both a happy path and an error case."""
        kinds = {answer.counts_as for answer in self.answers}
        return {"happy", "error"} <= kinds


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
    #: Lines of the exemption list that name no endpoint the run saw: likely typos.
    unknown_exemptions: tuple[Exemption, ...] = ()

    @property
    def rows(self) -> tuple[Row, ...]:
        """Every endpoint, in report order."""
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def counted(self) -> tuple[Row, ...]:
        """The endpoints the share counts: all but the exempt ones."""
        return tuple(row for row in self.rows if row.exemption is None)

    @property
    def apps(self) -> tuple[str, ...]:
        """The names of the apps seen, sorted."""
        return tuple(sorted({group.app for group in self.groups}))

    @property
    def total(self) -> int:
        """Number of endpoints that count: the exempt ones left out."""
        return len(self.counted)

    @property
    def exempt(self) -> int:
        """Number of exempt endpoints."""
        return len(self.rows) - self.total

    @property
    def tested(self) -> int:
        """Number of counted endpoints that at least one test sent a request of their method."""
        return sum(1 for row in self.counted if Flag.UNTESTED not in row.flags)

    @property
    def complete(self) -> int:
        """Number of counted endpoints with both a happy path and an error case."""
        return sum(1 for row in self.counted if row.complete)

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


def build_report(
    records: Records, include_implicit: bool = False, exemptions: Iterable[Exemption] = ()
) -> Report:
    """Turn recorded routes and requests into the report model."""
    routes = [r for r in records.routes if include_implicit or not r.implicit]
    # The same rule can be known under several instances of one app; keep it once.
    routes = sorted(set(routes), key=lambda r: (r.app, r.blueprint, *r.sort_key, r.endpoint))
    exemptions = tuple(exemptions)
    by_route = {(e.method, e.rule): e for e in exemptions}
    hits, login_redirects = records.settled()
    groups = []
    for (app, blueprint), members in groupby(routes, key=lambda r: (r.app, r.blueprint)):
        rows = tuple(
            Row(
                route,
                _frozen(hits.get(route.key)),
                _frozen(login_redirects.get(route.key)),
                {
                    method: tuple(sorted(tests))
                    for method, tests in sorted(
                        records.not_allowed.get((route.app, route.rule), {}).items()
                    )
                },
                by_route.get((route.method, route.rule)),
                _frozen(records.refused_forms.get(route.key)),
            )
            for route in members
        )
        groups.append(Group(app, blueprint, rows))
    known = {(r.method, r.rule) for r in routes}
    unknown = tuple(e for e in exemptions if (e.method, e.rule) not in known)
    unmatched = tuple(
        UnmatchedRow(app, method, path, _frozen(statuses))
        for (app, method, path), statuses in sorted(
            records.unmatched.items(), key=lambda item: _unmatched_order(*item[0])
        )
    )
    return Report(tuple(groups), unmatched, unknown)


def _unmatched_order(app: str, method: str, path: str) -> tuple[str, str, int, str]:
    return (app, path, method_rank(method), method)
