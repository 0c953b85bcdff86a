"""Records every request any Flask app handles, through Flask's own signals."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakSet, finalize

from flask import (
    appcontext_pushed,
    got_request_exception,
    request,
    request_finished,
    request_started,
    request_tearing_down,
)
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from flask_testkit.endpoint_coverage.form_refusals import (
    refused_a_form,
    unwatch_forms,
    watch_forms,
)
from flask_testkit.endpoint_coverage.login_redirects import (
    credentialed,
    login_signals,
    mark_unauthenticated,
    note_credentials,
    redirects_elsewhere,
    sends_to_login,
)
from flask_testkit.endpoint_coverage.routes import routes_of

if TYPE_CHECKING:
    from flask import Flask, Response

    from flask_testkit.endpoint_coverage.records import Records

#: Set in a request's WSGI environ when its view raised, and taken off when a response is sent
#: anyway: teardown records the requests that still carry it, those whose exception went up.
RAISED = "flask_testkit.endpoint_coverage.raised"


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
        got_request_exception.connect(_on_request_exception, weak=False)
        request_started.connect(note_credentials, weak=False)
        request_finished.connect(self._on_request_finished, weak=False)
        request_tearing_down.connect(self._on_tearing_down, weak=False)
        for signal in login_signals():
            signal.connect(mark_unauthenticated, weak=False)
        watch_forms()

    def stop(self) -> None:
        """Stop listening, and read the routes of the apps still alive once more."""
        appcontext_pushed.disconnect(self._on_app_context)
        got_request_exception.disconnect(_on_request_exception)
        request_started.disconnect(note_credentials)
        request_finished.disconnect(self._on_request_finished)
        request_tearing_down.disconnect(self._on_tearing_down)
        for signal in login_signals():
            signal.disconnect(mark_unauthenticated)
        unwatch_forms()
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
        # Whatever a framework did with an exception on the way, this is the status sent.
        request.environ.pop(RAISED, None)
        status = response.status_code
        login = 300 <= status < 400 and sends_to_login(sender, response)
        anonymous = not login and not credentialed() and redirects_elsewhere(sender, response)
        self._record(sender, status, login, refused_a_form(status), anonymous)

    def _on_tearing_down(
        self, sender: Flask, exc: BaseException | None = None, **extra: object
    ) -> None:
        if RAISED not in request.environ:
            return
        # No response was sent: the exception went up to the caller. An HTTPException still
        # says what the client would have got, and one below 500 is never a server error.
        status = exc.code if isinstance(exc, HTTPException) and exc.code else 500
        self._record(sender, status, login=False)

    def _record(
        self,
        app: Flask,
        status: int,
        login: bool,
        form_refused: bool = False,
        anonymous_redirect: bool = False,
    ) -> None:
        if id(app) not in self._serving:
            if id(app) not in self._seen:
                self._see(app)
            # The url_map is final once an app serves: Flask refuses new routes after that.
            self._serving.add(id(app))
            self._unsettled.discard(app)
            self.records.add_routes(routes_of(app))
        rule = request.url_rule
        test = self.current_test
        if rule is not None:
            key = (app.name, rule.endpoint, rule.rule, request.method)
            if login:
                self.records.login_redirect(key, status, test)
            elif form_refused:
                self.records.refuse_form(key, status, test)
            elif anonymous_redirect:
                self.records.anonymous_redirect(key, status, test)
            else:
                self.records.hit(key, status, test)
            if 200 <= status < 300 and not form_refused and credentialed():
                self.records.signed_in_success(key)
            return
        refused = request.routing_exception
        if status == 405 and isinstance(refused, MethodNotAllowed):
            rules = _rules_refusing(app, refused)
            for rule_text in rules:
                self.records.refuse_method((app.name, rule_text), request.method, test)
            if rules:
                return
        self.records.miss((app.name, request.method, request.path), status, test)


def _on_request_exception(sender: Flask, exception: BaseException, **extra: object) -> None:
    # Frameworks fire this for exceptions they then handle (flask-restx for every 4xx): it only
    # marks the request; the response, or its absence at teardown, says what the client got.
    request.environ[RAISED] = True


def _rules_refusing(app: Flask, refused: MethodNotAllowed) -> list[str]:
    """The rules that match the request's path under the methods they do take."""
    adapter = app.create_url_adapter(request)
    rules: list[str] = []
    if adapter is None:
        return rules
    for method in refused.valid_methods or ():
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:  # a redirect or a miss names no rule for this method
            continue
        if rule.rule not in rules:
            rules.append(rule.rule)
    return rules
