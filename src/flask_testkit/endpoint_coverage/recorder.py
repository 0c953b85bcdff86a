"""Records every request any Flask app handles, through Flask's own signals."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakSet, finalize

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
        # Ids of live apps, cheaper to check on every request than a WeakSet; an app's id
        # leaves these sets when it is freed, before the id can be reused.
        self._seen: set[int] = set()
        self._serving: set[int] = set()
        # Apps seen only through an app context: their url_map may still grow.
        self._unsettled: WeakSet[Flask] = WeakSet()

    def start(self) -> None:
        """Listen to every app's requests."""
        appcontext_pushed.connect(self._on_app_context, weak=False)
        request_finished.connect(self._on_request_finished, weak=False)
        got_request_exception.connect(self._on_request_exception, weak=False)

    def stop(self) -> None:
        """Stop listening, and read the routes of the apps still alive once more."""
        appcontext_pushed.disconnect(self._on_app_context)
        request_finished.disconnect(self._on_request_finished)
        got_request_exception.disconnect(self._on_request_exception)
        self.refresh_routes()

    def refresh_routes(self) -> None:
        """Read again the routes of apps that have not served yet, as they may have grown."""
        for app in list(self._unsettled):
            self.records.add_routes(routes_of(app))

    def _see(self, app: Flask) -> None:
        self._seen.add(id(app))
        finalize(app, self._forget, id(app))
        self._unsettled.add(app)
        # Even an app that never serves a request counts: all its endpoints are untested.
        self.records.add_routes(routes_of(app))

    def _forget(self, app_id: int) -> None:
        self._seen.discard(app_id)
        self._serving.discard(app_id)

    def _on_app_context(self, sender: Flask, **extra: object) -> None:
        if id(sender) not in self._seen:
            self._see(sender)

    def _on_request_finished(self, sender: Flask, response: Response, **extra: object) -> None:
        self._record(sender, response.status_code)

    def _on_request_exception(
        self, sender: Flask, exception: BaseException, **extra: object
    ) -> None:
        # A propagated exception never reaches request_finished; a handled one does, as a 500.
        propagate = sender.config.get("PROPAGATE_EXCEPTIONS")
        if propagate is None:
            propagate = sender.testing or sender.debug
        if propagate:
            self._record(sender, 500)

    def _record(self, app: Flask, status: int) -> None:
        if id(app) not in self._serving:
            if id(app) not in self._seen:
                self._see(app)
            # The url_map is final once an app serves: Flask refuses new routes after that.
            self._serving.add(id(app))
            self._unsettled.discard(app)
            self.records.add_routes(routes_of(app))
        rule = request.url_rule
        if rule is None:
            self.records.miss((app.name, request.method, request.path), status, self.current_test)
        else:
            key = (app.name, rule.endpoint, rule.rule, request.method)
            self.records.hit(key, status, self.current_test)
