"""Per-test isolation: each transaction the app opens is a savepoint in one that is rolled back.

While a test runs, each engine lends a single connection that sits in an outer transaction,
taken on the engine's first use in the test (a test that never touches the database pays for
nothing); pinned_engine.py does that for one engine. The engine's dialect turns BEGIN / COMMIT /
ROLLBACK into savepoints (savepoints.py), so commits in views, rollbacks after errors, raw
`engine.connect()` blocks, fresh sessions and factories all keep working, and all of it
disappears when the outer transaction is rolled back. Rows of a class, module or session
(data_scopes.py) stay pinned across its tests, and each test gets a level above them instead.
What cannot be isolated this way is refused with one line (guards.py); a test marked
`flask_db(transaction=True)` commits for real instead (transaction_mode.py).
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from flask_testkit import guards
from flask_testkit.errors import one_line_failure
from flask_testkit.marker import current_options
from flask_testkit.pinned_connection import GuardedCursor
from flask_testkit.pinned_engine import PinnedEngine
from flask_testkit.transaction_mode import committed_engines

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

_pinned: dict[int, object] = {}
_unknown_engine_problems: list[str] = []
_guarding = 0
_listening = False


def _before_cursor_execute(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    if type(cursor) is GuardedCursor:
        cursor.owner = conn.connection
        return
    if _guarding and guards.is_dml(statement):
        # Not a pinned engine: an engine the app made itself writes for real (and on PostgreSQL
        # waits forever on the rows the test's transaction holds).
        message = guards.unknown_engine(conn.engine.url.render_as_string(hide_password=True))
        if message not in _unknown_engine_problems:
            _unknown_engine_problems.append(message)
        raise guards.IsolationRefused(message)


def _listen_once() -> None:
    global _listening
    if not _listening:
        event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
        _listening = True


def _raise_problems(problems: list[str]) -> None:
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise one_line_failure(f"flask-testkit: {problems[0]}{more}")


@contextmanager
def _rolled_back(engines: list[Engine], reset: bool) -> Iterator[list[PinnedEngine]]:
    global _guarding
    _listen_once()
    pins: list[PinnedEngine] = []
    _guarding += 1
    try:
        for engine in engines:
            pin = PinnedEngine(engine, reset_sequences=reset)
            _pinned[id(engine)] = pin
            pins.append(pin)
        yield pins
    finally:
        _guarding -= 1
        errors: list[BaseException] = []
        for pin in reversed(pins):
            _pinned.pop(id(pin.engine), None)
            try:
                pin.release()
            except Exception as exc:  # keep releasing the other engines
                errors.append(exc)
        if errors:
            raise errors[0]
        problems = [problem for pin in pins for problem in pin.problems]
        if not _guarding:
            problems += _unknown_engine_problems
            _unknown_engine_problems.clear()
        _raise_problems(problems)


@contextmanager
def _nested(pins: list[PinnedEngine], kind: str) -> Iterator[None]:
    """A level on engines an outer scope pinned: the block's writes are undone at its end."""
    opened = []
    try:
        for pin in pins:
            opened.append((pin, *pin.open_level(kind)))
        yield
    finally:
        problems: list[str] = []
        for pin, level, before in reversed(opened):
            problems += pin.close_level(level, before)
        if kind == "test":
            problems += _unknown_engine_problems
            _unknown_engine_problems.clear()
        _raise_problems(problems)


def scope_active() -> bool:
    """Whether rows of a scope (scoped_data) are pinned now, so that every test needs a level."""
    return any(isinstance(pin, PinnedEngine) and pin.scoped for pin in _pinned.values())


@contextmanager
def isolated_engines(
    engines: Iterable[Engine],
    *,
    transaction: bool | None = None,
    reset_sequences: bool | None = None,
    level: str | None = None,
) -> Iterator[list[PinnedEngine]]:
    """Roll back everything written through these engines inside the block.

    With `transaction=True` the block commits for real and the tables it filled are emptied at
    the end. Both default to the running test's `flask_db` marker. An engine isolated already
    is left as it is, unless `level` ("test" or "scope") asks for a level of its own on it.
    """
    options = current_options()
    committed = options.transaction if transaction is None else transaction
    reset = options.reset_sequences if reset_sequences is None else reset_sequences
    distinct = list(dict.fromkeys(engines))
    new = [engine for engine in distinct if id(engine) not in _pinned]
    outer = [pin for e in distinct if isinstance(pin := _pinned.get(id(e)), PinnedEngine)]
    with ExitStack() as stack:
        if level is not None and outer:
            if committed or reset:
                raise one_line_failure(f"flask-testkit: {guards.inside_scope(committed)}")
            stack.enter_context(_nested(outer, level))
        if committed:
            for engine in new:
                _pinned[id(engine)] = engine
                stack.callback(_pinned.pop, id(engine), None)
            stack.enter_context(committed_engines(new, reset_sequences=reset))
            yield []
            return
        pins = stack.enter_context(_rolled_back(new, reset))
        if level == "scope":
            for pin in pins:
                pin.scoped = True
        yield pins
