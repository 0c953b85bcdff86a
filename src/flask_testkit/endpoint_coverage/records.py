"""What a run saw: the routes of its apps and the requests its tests made, mergeable."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask_testkit.endpoint_coverage.routes import Route, RouteKey

UnmatchedKey = tuple[str, str, str]
"""(app name, method, path) of a request that matched no URL rule."""

RuleKey = tuple[str, str]
"""(app name, rule) of a URL rule, whatever its methods."""

TestsByStatus = dict[int, set[str]]
TestsByMethod = dict[str, set[str]]

#: Test id given to requests made outside any test, e.g. at import time.
OUTSIDE_TESTS = "(outside tests)"


def _tests_by_status() -> TestsByStatus:
    return defaultdict(set)


def _tests_by_method() -> TestsByMethod:
    return defaultdict(set)


class Records:
    """Routes seen, and for each route (or unmatched path) the tests behind each status."""

    def __init__(self) -> None:
        self.routes: set[Route] = set()
        self.hits: defaultdict[RouteKey, TestsByStatus] = defaultdict(_tests_by_status)
        #: Redirects that sent an unauthenticated request to the login view: error cases.
        self.login_redirects: defaultdict[RouteKey, TestsByStatus] = defaultdict(_tests_by_status)
        #: Redirects to another page that answered a request without credentials. They are
        #: login redirects where the same route answered a signed-in request with success.
        self.anonymous_redirects: defaultdict[RouteKey, TestsByStatus] = defaultdict(
            _tests_by_status
        )
        #: Routes that answered a request with credentials with 2xx.
        self.signed_in_successes: set[RouteKey] = set()
        #: Form pages that answered a submission their form refused: error cases.
        self.refused_forms: defaultdict[RouteKey, TestsByStatus] = defaultdict(_tests_by_status)
        #: 405 answers of a rule, by the method that the rule does not take.
        self.not_allowed: defaultdict[RuleKey, TestsByMethod] = defaultdict(_tests_by_method)
        self.unmatched: defaultdict[UnmatchedKey, TestsByStatus] = defaultdict(_tests_by_status)

    def add_routes(self, routes: Iterable[Route]) -> None:
        """Add the routes of an app; routes already known are kept once."""
        self.routes.update(routes)

    def hit(self, key: RouteKey, status: int, test: str | None) -> None:
        """Record that a test got this status from this route."""
        self.hits[key][status].add(test or OUTSIDE_TESTS)

    def login_redirect(self, key: RouteKey, status: int, test: str | None) -> None:
        """Record that this route sent a test's unauthenticated request to the login view."""
        self.login_redirects[key][status].add(test or OUTSIDE_TESTS)

    def anonymous_redirect(self, key: RouteKey, status: int, test: str | None) -> None:
        """Record that this route redirected a test's request that carried no credentials."""
        self.anonymous_redirects[key][status].add(test or OUTSIDE_TESTS)

    def signed_in_success(self, key: RouteKey) -> None:
        """Record that this route answered a request with credentials with success."""
        self.signed_in_successes.add(key)

    def settled(self) -> tuple[dict[RouteKey, TestsByStatus], dict[RouteKey, TestsByStatus]]:
        """Hits and login redirects, each redirect of a request without credentials in one.

        A route that let a signed-in request through and sent one without credentials
        elsewhere sent it to sign in, wherever the app's sign-in page is and whatever it is
        called. Elsewhere such a redirect is the route's answer, as for anyone.
        """
        hits = {key: dict(statuses) for key, statuses in self.hits.items()}
        logins = {key: dict(statuses) for key, statuses in self.login_redirects.items()}
        for key, statuses in self.anonymous_redirects.items():
            table = logins if key in self.signed_in_successes else hits
            answers = table.setdefault(key, {})
            for status, tests in statuses.items():
                answers[status] = answers.get(status, set()) | tests
        return hits, logins

    def refuse_form(self, key: RouteKey, status: int, test: str | None) -> None:
        """Record that this route answered a submission its form refused (the form again)."""
        self.refused_forms[key][status].add(test or OUTSIDE_TESTS)

    def refuse_method(self, key: RuleKey, method: str, test: str | None) -> None:
        """Record that a rule answered 405 to a method it does not take."""
        self.not_allowed[key][method].add(test or OUTSIDE_TESTS)

    def miss(self, key: UnmatchedKey, status: int, test: str | None) -> None:
        """Record a request that matched no URL rule."""
        self.unmatched[key][status].add(test or OUTSIDE_TESTS)

    def merge(self, other: Records) -> None:
        """Add everything another run (e.g. an xdist worker or a CI shard) saw."""
        self.routes.update(other.routes)
        for table, others in (
            (self.hits, other.hits),
            (self.login_redirects, other.login_redirects),
            (self.anonymous_redirects, other.anonymous_redirects),
            (self.refused_forms, other.refused_forms),
            (self.unmatched, other.unmatched),
        ):
            for key, statuses in others.items():
                for status, tests in statuses.items():
                    table[key][status].update(tests)  # type: ignore[index]
        self.signed_in_successes.update(other.signed_in_successes)
        for rule_key, methods in other.not_allowed.items():
            for method, tests in methods.items():
                self.not_allowed[rule_key][method].update(tests)

    def to_data(self) -> dict[str, list[list[Any]]]:
        """Plain lists and strings, as xdist can send them and JSON can hold them."""
        return {
            "routes": [
                [r.app, r.endpoint, r.rule, r.method, r.implicit]
                for r in sorted_routes(self.routes)
            ],
            "hits": _rows(self.hits),
            "login_redirects": _rows(self.login_redirects),
            "anonymous_redirects": _rows(self.anonymous_redirects),
            "signed_in_successes": sorted([*key] for key in self.signed_in_successes),
            "refused_forms": _rows(self.refused_forms),
            "not_allowed": _rows(self.not_allowed),
            "unmatched": _rows(self.unmatched),
        }

    @classmethod
    def from_data(cls, data: dict[str, list[list[Any]]]) -> Records:
        """Rebuild records from to_data()'s output."""
        records = cls()
        records.add_routes(Route(*fields) for fields in data["routes"])
        for app, endpoint, rule, method, status, tests in data["hits"]:
            records.hits[(app, endpoint, rule, method)][status].update(tests)
        for app, endpoint, rule, method, status, tests in data.get("login_redirects", []):
            records.login_redirects[(app, endpoint, rule, method)][status].update(tests)
        for app, endpoint, rule, method, status, tests in data.get("anonymous_redirects", []):
            records.anonymous_redirects[(app, endpoint, rule, method)][status].update(tests)
        for app, endpoint, rule, method in data.get("signed_in_successes", []):
            records.signed_in_successes.add((app, endpoint, rule, method))
        for app, endpoint, rule, method, status, tests in data.get("refused_forms", []):
            records.refused_forms[(app, endpoint, rule, method)][status].update(tests)
        for app, rule, method, tests in data.get("not_allowed", []):
            records.not_allowed[(app, rule)][method].update(tests)
        for app, method, path, status, tests in data["unmatched"]:
            records.unmatched[(app, method, path)][status].update(tests)
        return records


def _rows(table: dict[Any, dict[Any, set[str]]]) -> list[list[Any]]:
    # Sorted, so that the JSON of two runs that saw the same requests is the same text.
    return sorted(
        [*key, answer, sorted(tests)]
        for key, answers in table.items()
        for answer, tests in answers.items()
    )


def sorted_routes(routes: Iterable[Route]) -> list[Route]:
    """Routes in a stable order: app, rule, method."""
    return sorted(routes, key=lambda route: (route.app, *route.sort_key, route.endpoint))
