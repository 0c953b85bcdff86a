"""Records every request any Flask app handles, through Flask's own signals."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakSet

from flask import appcontext_pushed, got_request_exception, request, request_finished

from flask_testkit.endpoint_coverage.routes import routes_of

if TYPE_CHECKING:
    from flask import Flask, Response

    from flask_testkit.endpoint_coverage.records import Records


class Recorder:
    """Connects to Flask's signals, so that apps from any fixture or conftest are recorded."""

    def __init__(self, records: Records) -> None:
        self.records = records
        #: Node id of the test running now; set by the pytest hooks.
        self.current_test: str | None = None
        # Weak sets, so that an app built per test can be freed; its routes are kept as data.
        self._apps: WeakSet[Flask] = WeakSet()
        self._serving_apps: WeakSet[Flask] = WeakSet()

    def start(self) -> None:
        """Listen to every app's requests."""
        appcontext_pushed.connect(self._on_app_context, weak=False)
        request_finished.connect(self._on_request_finished, weak=False)
        got_request_exception.connect(self._on_request_exception, weak=False)

    def stop(self) -> None:
        """Stop listening, and read the final routes of the apps still alive."""
        appcontext_pushed.disconnect(self._on_app_context)
        request_finished.disconnect(self._on_request_finished)
        got_request_exception.disconnect(self._on_request_exception)
        for app in list(self._apps):
            self.records.add_routes(routes_of(app))

    def _on_app_context(self, sender: Flask, **extra: object) -> None:
        # An app that never serves a request still counts: all its endpoints are untested.
        if sender not in self._apps:
            self._apps.add(sender)
            self.records.add_routes(routes_of(sender))

    def _on_request_finished(self, sender: Flask, response: Response, **extra: object) -> None:
        self._record(sender, response.status_code)

    def _on_request_exception(self, sender: Flask, exception: BaseException, **extra: object) -> None:
        # A propagated exception never reaches request_finished; a handled one does, as a 500.
        propagate = sender.config.get("PROPAGATE_EXCEPTIONS")
        if propagate is None:
            propagate = sender.testing or sender.debug
        if propagate:
            self._record(sender, 500)

    def _record(self, app: Flask, status: int) -> None:
        if app not in self._serving_apps:
            # The url_map is complete once an app serves: Flask refuses new routes after that.
            self._serving_apps.add(app)
            self._apps.add(app)
            self.records.add_routes(routes_of(app))
        rule = request.url_rule
        if rule is None:
            self.records.miss((app.name, request.method, request.path), status, self.current_test)
        else:
            key = (app.name, rule.endpoint, rule.rule, request.method)
            self.records.hit(key, status, self.current_test)
