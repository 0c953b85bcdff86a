"""Run a case against the app in its testing configuration and record what it does."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from types import ModuleType
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from flask_testkit.data_guard import Refused

from ..cases import Case, Outcome, Request
from ..code import Code
from ..planning.values import TEST_PASSWORD, python_value
from .assigned_values import (
    assigned_values,
    differing_paths,
    models_of,
    recorded_inserts,
    row_facts,
)
from .form_checks import refused_forms
from .input_reads import raised_by_recording, recorded_input_reads
from .line_meter import LineMeter
from .row_lookups import recorded_row_lookups
from .row_states import changed, deleted, made_rows, row_keys, row_values, texts, volatile_values
from .sandbox import NetworkBlocked, ProbeTimeout, guarded
from .working_files import files_written_removed

# How much longer the one retry of a request that ran out of time may take.
_FIRST_CALL_FACTOR = 5


class Prober:
    """Sends cases to the app, each in its own rolled-back transaction."""

    def __init__(
        self,
        app: Flask,
        isolated: Callable[[], AbstractContextManager[Any]],
        factories: ModuleType | None,
        timeout: float = 2.0,
        guard: Callable[[], AbstractContextManager[Refused]] | None = None,
    ) -> None:
        self.app = app
        self.isolated = isolated
        # Refuses every database but the test one; what it refused, by endpoint, leaves it out.
        self.guard = guard or (lambda: nullcontext(Refused()))
        self.touched: dict[str, list[str]] = {}
        self.factories = factories
        self.timeout = timeout
        self.auth: Any = None  # set once authentication is known (an AuthSpec)
        self.services: Any = None  # a ServiceRecorder, while the endpoints are planned
        self.count = 0
        self.record_keys = True
        # While the coverage-guided search runs: what measures the lines each request runs, and
        # the label the next requests' lines are counted under.
        self.meter: LineMeter | None = None
        self.label = ""
        # Files probes wrote relative to the working directory, each removed after its probe.
        self.cwd_written: set[str] = set()
        # Folders a probe made where there were none: the app's own stores, left to it.
        self.cwd_stores: set[str] = set()
        self._handled: BaseException | None = None
        original = app.handle_user_exception

        def recording(error: Exception) -> Any:
            if not isinstance(error, HTTPException):
                self._handled = error
            return original(error)

        app.handle_user_exception = recording  # type: ignore[method-assign,assignment]

    def namespace(self) -> dict[str, Any]:
        """Names a case's source may use: factories and TEST_PASSWORD."""
        names: dict[str, Any] = {"TEST_PASSWORD": TEST_PASSWORD}
        if self.factories is not None:
            names.update(vars(self.factories))
        return names

    def run(self, case: Case, rerun: bool = True) -> Outcome:
        """Probe one case; never raises for what the app does.

        A JSON success is probed again after other rows were made first (`rerun`), to tell
        what the database numbers or stamps.
        """
        self.count += 1
        outcome, made = self._once(case, [])
        if outcome.timed_out:
            # A first request often loads something slow (a language model, a template cache)
            # once, and a cut-short load starts over: one more try, given longer to finish.
            self.count += 1
            outcome, made = self._once(case, [], timeout=self.timeout * _FIRST_CALL_FACTOR)
        if not rerun or outcome.json is None or not 200 <= outcome.status < 300:
            return outcome  # an error's body rarely holds a row; its values are checked as seen
        # Again, after rows of the same models were made first: what the database numbers or
        # stamps (ids, sequences, timestamps) comes out different, and is never asserted, and a
        # key is only matched to the row whose key it is.
        self.count += 1
        again, _ = self._once(case, made)
        if again.status == outcome.status and again.setup_error is None:
            outcome.volatile_paths = differing_paths(outcome.json, again.json)
            outcome.rerun = again
        return outcome

    def _once(
        self, case: Case, earlier: list[type[Any]], timeout: float | None = None
    ) -> tuple[Outcome, list[type[Any]]]:
        self._handled = None
        with (
            files_written_removed(self.cwd_written, self.cwd_stores),
            self.isolated() as session,
            self.guard() as refused,
        ):
            result = self._run(case, session, earlier, timeout or self.timeout)
        if refused.targets:
            self.touched.setdefault(case.endpoint.label, []).extend(refused.targets)
        outcome = result[0]
        if self.record_keys and raised_by_recording(outcome.exception or self._handled):
            # The app met something of the recording's that it could not take: it is probed
            # without key recording from now on, as the tests will run it.
            self.record_keys = False
            return self._once(case, earlier, timeout)
        return result

    def _run(
        self, case: Case, session: Any, earlier: list[type[Any]], timeout: float
    ) -> tuple[Outcome, list[type[Any]]]:
        names = self.namespace()
        client: Any = self.app.test_client()
        headers: dict[str, str] = {}
        outcome = Outcome()
        step = "sign in"
        # Every row the setup makes, its factories' SubFactory rows too: what the page shows of
        # them is random data, never a literal to assert.
        setup_inserts = ExitStack()
        made_in_setup = setup_inserts.enter_context(recorded_inserts())
        try:
            # A different number of rows for each model, so that keys of two tables that were the
            # same number (1 and 1 in a new database) are not the same any more.
            for count, cls in enumerate(earlier, start=1):
                step = f"build a valid {cls.__name__} row"
                factory = _factory_for(cls, names)
                if factory is not None:
                    factory.create_batch(count)
            if case.request.auth:
                step = "sign in"
                client, headers = self.auth.sign_in(self, client, names, case.request.auth)
            for setup in case.setups:
                step = f"build a valid {setup.model} row"
                factory = names[setup.factory]
                kwargs = {k: resolve(v, names) for k, v in setup.kwargs.items()}
                if setup.batch:
                    names[setup.var] = factory.create_batch(setup.batch, **kwargs)
                else:
                    names[setup.var] = factory(**kwargs)
                if setup.delete:
                    session.delete(names[setup.var])
                    session.flush()
            step = "build the request"
            setup_inserts.close()
            outcome.volatile = volatile_values(names, case) | texts(made_in_setup)
            outcome.row_values = row_values(names, case)
            outcome.row_keys = row_keys(names, case)
            url = eval(case.request.path, dict(names))  # our own generated source
            body = resolve(case.request.body, names) if case.request.body is not None else None
        except Exception as error:  # the test's own setup failed: the app is not to blame
            setup_inserts.close()
            outcome.setup_error = f"could not {step}: {type(error).__name__}: {error}"
            outcome.status = -1
            return outcome, []
        with recorded_inserts() as inserted:
            self._send(client, case.request, url, body, headers, outcome, timeout)
        outcome.volatile |= assigned_values(inserted)
        outcome.inserted_rows, outcome.inserted_unique = row_facts(inserted)
        if outcome.status in (200, 202, 204) and case.request.method == "DELETE":
            outcome.row_gone = deleted(case, names, session)
        elif outcome.succeeded and case.request.method in ("PUT", "PATCH", "POST"):
            outcome.row_changes = changed(case, names, session, outcome.row_values)
        return outcome, models_of(inserted + made_rows(names, case))

    def _send(
        self,
        client: Any,
        request: Request,
        url: str,
        body: Any,
        headers: dict[str, str],
        outcome: Outcome,
        timeout: float,
    ) -> None:
        options: dict[str, Any] = {
            "method": request.method,
            "headers": {**headers, **request.headers},
        }
        if request.query:
            options["query_string"] = request.query
        if body is not None:
            options["json" if request.body_kind == "json" else "data"] = body
        recording = self.services.recording() if self.services is not None else nullcontext([])
        with (
            guarded(timeout) as report,
            refused_forms() as forms,
            recording as calls,
            recorded_input_reads(self.app, self.record_keys) as reads,
            recorded_row_lookups() as lookups,
        ):
            if self.meter is not None:
                self.meter.label(self.label)
            try:
                response = client.open(url, **options)
            except (NetworkBlocked, ProbeTimeout) as error:
                outcome.exception = error
                response = None
            except Exception as error:
                outcome.exception = error
                response = None
            finally:
                if self.meter is not None:
                    self.meter.idle()
        outcome.network = report.network_targets
        outcome.timed_out = report.timed_out
        outcome.handled_exception = self._handled
        outcome.refused_forms = forms
        outcome.input_reads = set(reads.names)
        outcome.keys_read = reads.keys.as_lists()
        outcome.last_key_read = reads.keys.last
        outcome.view_ran = reads.view_ran
        outcome.view_args = reads.view_args
        outcome.row_lookups = lookups.values
        outcome.row_searches = lookups.searches
        outcome.service_calls = calls
        if response is None:
            return
        outcome.status = response.status_code
        outcome.mimetype = response.mimetype or ""
        outcome.location = response.headers.get("Location")
        outcome.www_authenticate = response.headers.get("WWW-Authenticate")
        outcome.json = response.get_json(silent=True) if response.is_json else None
        outcome.text = response.get_data(as_text=True)[:2000]
        response.close()


def resolve(value: Any, names: dict[str, Any]) -> Any:
    """Replace Code pieces with their values."""
    if isinstance(value, Code):
        return python_value(eval(value.source, dict(names)))
    if isinstance(value, dict):
        return {k: resolve(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, names) for v in value]
    return value


def _factory_for(cls: type[Any], names: dict[str, Any]) -> Any:
    for value in names.values():
        meta = getattr(value, "_meta", None)
        if getattr(meta, "model", None) is cls and not getattr(meta, "abstract", True):
            return value
    return None
