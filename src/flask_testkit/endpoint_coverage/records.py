"""What a run saw: the routes of its apps and the requests its tests made, mergeable."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask_testkit.endpoint_coverage.routes import Route, RouteKey

UnmatchedKey = tuple[str, str, str]
"""(app name, method, path) of a request that matched no URL rule."""

TestsByStatus = dict[int, set[str]]

#: Test id given to requests made outside any test, e.g. at import time.
OUTSIDE_TESTS = "(outside tests)"


def _tests_by_status() -> TestsByStatus:
    return defaultdict(set)


class Records:
    """Routes seen, and for each route (or unmatched path) the tests behind each status."""

    def __init__(self) -> None:
        self.routes: set[Route] = set()
        self.hits: defaultdict[RouteKey, TestsByStatus] = defaultdict(_tests_by_status)
        self.unmatched: defaultdict[UnmatchedKey, TestsByStatus] = defaultdict(_tests_by_status)

    def add_routes(self, routes: Iterable[Route]) -> None:
        """Add the routes of an app; routes already known are kept once."""
        self.routes.update(routes)

    def hit(self, key: RouteKey, status: int, test: str | None) -> None:
        """Record that a test got this status from this route."""
        self.hits[key][status].add(test or OUTSIDE_TESTS)

    def miss(self, key: UnmatchedKey, status: int, test: str | None) -> None:
        """Record a request that matched no URL rule."""
        self.unmatched[key][status].add(test or OUTSIDE_TESTS)

    def merge(self, other: Records) -> None:
        """Add everything another run (e.g. an xdist worker) saw."""
        self.routes.update(other.routes)
        for key, statuses in other.hits.items():
            for status, tests in statuses.items():
                self.hits[key][status].update(tests)
        for miss_key, statuses in other.unmatched.items():
            for status, tests in statuses.items():
                self.unmatched[miss_key][status].update(tests)

    def to_data(self) -> dict[str, list[list[Any]]]:
        """Plain lists and strings, as xdist can send them from a worker."""
        return {
            "routes": [
                [r.app, r.endpoint, r.rule, r.method, r.implicit]
                for r in sorted_routes(self.routes)
            ],
            "hits": [
                [*key, status, sorted(tests)]
                for key, statuses in self.hits.items()
                for status, tests in statuses.items()
            ],
            "unmatched": [
                [*key, status, sorted(tests)]
                for key, statuses in self.unmatched.items()
                for status, tests in statuses.items()
            ],
        }

    @classmethod
    def from_data(cls, data: dict[str, list[list[Any]]]) -> Records:
        """Rebuild records from to_data()'s output."""
        records = cls()
        records.add_routes(Route(*fields) for fields in data["routes"])
        for app, endpoint, rule, method, status, tests in data["hits"]:
            records.hits[(app, endpoint, rule, method)][status].update(tests)
        for app, method, path, status, tests in data["unmatched"]:
            records.unmatched[(app, method, path)][status].update(tests)
        return records


def sorted_routes(routes: Iterable[Route]) -> list[Route]:
    """Routes in a stable order: app, rule, method."""
    return sorted(routes, key=lambda route: (route.app, *route.sort_key, route.endpoint))
