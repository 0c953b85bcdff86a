"""What a request's handling reads of the request: its query, body, files, headers or session.

An endpoint that reads none of these, and whose rule takes no argument, answers every request the
same way: no request it is sent can be refused, so it has no error case to test. The reads are
recorded while the app's `before_request` functions and the view run, which is where the app's own
code decides; Flask's reads of its own (the session cookie, the rule's arguments) come before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.globals import _cv_request
from flask.wrappers import Request

from flask_testkit.endpoint_coverage.login_redirects import opened_session

from .key_reads import ARGS, FILES, FORM, HEADERS, JSON, SESSION, KeyReads, record_lookups

# The request's inputs: what a client chooses, and a view could refuse.
INPUTS = frozenset(
    {
        "args",
        "form",
        "files",
        "values",
        "json",
        "get_json",
        "data",
        "get_data",
        "stream",
        "input_stream",
        "headers",
        "cookies",
        "authorization",
        "query_string",
        "accept_mimetypes",
        "accept_languages",
        "content_type",
        "content_length",
        "mimetype",
        "is_json",
        "environ",
        "remote_addr",
        "access_route",
    }
)


# The mappings whose lookups are recorded by key, and where each key then goes in a request.
_KEYED = {"args": ARGS, "form": FORM, "files": FILES, "headers": HEADERS}

_REPLACED = ("request_class", "preprocess_request", "dispatch_request")


class InputReads:
    """The inputs read, and whether the view ran (a routing redirect or 404 stops it before)."""

    def __init__(self, keys: bool = True) -> None:
        self.names: set[str] = set()
        self.keys = KeyReads()
        self.record_keys = keys
        self.view_ran = False
        self.view_args: dict[str, Any] = {}
        self._watching = False

    @property
    def watching(self) -> bool:
        """Whether the app's own code is running now."""
        return self._watching

    @watching.setter
    def watching(self, on: bool) -> None:
        self._watching = self.keys.watching = on
        if not on:
            self.keys.restore()


class _Recording(Request):
    _ftk_reads: InputReads | None = None

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name in INPUTS:
            reads = type(self)._ftk_reads
            if reads is not None and reads.watching:
                reads.names.add(name)
                if name in _KEYED and reads.record_keys:
                    return record_lookups(value, reads.keys, _KEYED[name])
                if name == "get_json" and reads.record_keys:
                    return _recorded_json(self, value, reads.keys)
        return value


def _recorded_json(request: Request, get_json: Callable[..., Any], keys: KeyReads) -> Any:
    """get_json, whose object records the keys read from it, and is the one cached."""

    def recorded(*args: Any, **kwargs: Any) -> Any:
        value = get_json(*args, **kwargs)
        if type(value) is not dict:
            return value
        wrapped = record_lookups(value, keys, JSON)
        cached = request._cached_json
        request._cached_json = (
            wrapped if cached[0] is value else cached[0],
            wrapped if cached[1] is value else cached[1],
        )
        return wrapped

    return recorded


@contextmanager
def recorded_input_reads(app: Flask, keys: bool = True) -> Iterator[InputReads]:
    """The inputs the app's own code read while the requests inside the block were handled.

    With keys, the keys it looked up in them too (see key_reads).
    """
    reads = InputReads(keys)
    recording = type(
        "Recording" + app.request_class.__name__,
        (_Recording, app.request_class),
        {"_ftk_reads": reads},
    )
    saved = {name: app.__dict__.get(name) for name in _REPLACED}

    def watched(call: Callable[[], Any], view: bool) -> Callable[[], Any]:
        def run() -> Any:
            context = _cv_request.get(None)
            if view and context is not None and context.request.routing_exception is None:
                reads.view_ran = True
                reads.view_args = dict(context.request.view_args or {})
            opened = opened_session()
            before = getattr(opened, "accessed", False)
            reads.watching = True
            if opened is not None and reads.record_keys:
                record_lookups(opened, reads.keys, SESSION)
            try:
                return call()
            finally:
                reads.watching = False
                # A session the app's code read is input too (a signed-in user, a cart).
                if before or getattr(opened, "accessed", False):
                    reads.names.add("session")

        return run

    app.request_class = recording
    app.preprocess_request = watched(app.preprocess_request, False)  # type: ignore[method-assign]
    app.dispatch_request = watched(app.dispatch_request, True)  # type: ignore[method-assign]
    try:
        yield reads
    finally:
        for name, value in saved.items():
            if value is None:
                app.__dict__.pop(name, None)
            else:
                setattr(app, name, value)


def raised_by_recording(error: BaseException | None) -> bool:
    """Whether error, or one it was raised from, is the recording's: a call it passed on badly.

    Then the app must be probed without key recording, as its tests will run it.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if getattr(error, "flask_testkit_recording", False):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
