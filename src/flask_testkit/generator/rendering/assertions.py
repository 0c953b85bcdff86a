"""Turn what the app did into assertions: status, then the body's content or shape."""

from __future__ import annotations

import builtins
import importlib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from markupsafe import escape

from ..cases import HAPPY_KINDS, Case, url_row
from ..code import Code, literal, snake, string
from ..probing.assigned_values import leaf_at

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\w{3}, \d{2} \w{3} \d{4}")
_MAX_WHOLE_BODY = 300


def _leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        leaves: list[tuple[tuple[str, ...], Any]] = [(path, key) for key in value]
        for key, item in value.items():
            leaves += _leaves(item, (*path, str(key)))
        return leaves
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item, (*path, "*"))]
    return [(path, value)]


def is_stable(
    body: Any, volatile: set[str], volatile_paths: set[tuple[str, ...]] | None = None
) -> bool:
    """True when the body holds nothing that changes from run to run."""
    for path, leaf in _leaves(body):
        if volatile_paths and path in volatile_paths:
            return False  # it came out different when other rows were made first
        if isinstance(leaf, bool) or leaf is None:
            continue
        text = str(leaf)
        if text in volatile or _TIMESTAMP.search(text):
            return False
        if isinstance(leaf, str) and any(_mentions(leaf, value) for value in volatile):
            return False
        if isinstance(leaf, str) and len(leaf) > 32 and " " not in leaf:
            return False  # tokens, hashes, random identifiers
    return True


def _mentions(text: str, value: str) -> bool:
    if value.isdigit():
        return re.search(rf"(?<![\w.]){value}(?![\w])", text) is not None
    return len(value) >= 4 and value in text


# Constraint violations are IntegrityError on every database; other failures (a missing table,
# a value too long) are classed differently by SQLite and PostgreSQL.
_SAME_EVERYWHERE = ("IntegrityError",)
_DRIVERS = ("sqlite3", "psycopg", "psycopg2", "pymysql", "MySQLdb", "asyncpg", "pg8000")


def portable_exception(exc_type: type[BaseException]) -> type[BaseException]:
    """The class an xfail names: one every supported database raises for the same fault."""
    import sqlalchemy.exc

    if issubclass(exc_type, sqlalchemy.exc.DBAPIError):
        for name in _SAME_EVERYWHERE:
            base = getattr(sqlalchemy.exc, name)
            if issubclass(exc_type, base):
                return base  # type: ignore[no-any-return]
        return sqlalchemy.exc.DBAPIError
    if exc_type.__module__.split(".")[0] in _DRIVERS:
        # A driver's own error, raised past SQLAlchemy: its PEP 249 class, not a subclass that
        # only this database server has (psycopg's UniqueViolation is an IntegrityError).
        for klass in exc_type.__mro__:
            if klass.__name__ in _PEP_249 and klass.__module__ == exc_type.__module__.split(".")[0]:
                return klass
    return exc_type


_PEP_249 = ("IntegrityError", "DataError", "OperationalError", "ProgrammingError", "DatabaseError")


# A page's own title, on one line as templates mostly write it.
_TITLE = re.compile(r"<title>([^<\n]{1,80})</title>", re.IGNORECASE)


class AssertionWriter:
    """Writes one case's assertions and remembers the imports they need."""

    def __init__(self, models: frozenset[str] = frozenset()) -> None:
        self.imports: set[tuple[str, str | None]] = set()
        # The models a test can import and look up through its rolled-back db_session.
        self.models = models

    def xfail_marker(self, case: Case) -> str | None:
        """The strict xfail marker for a case where the app fails, naming the exception."""
        outcome = case.outcome
        assert outcome is not None
        if not outcome.server_error:
            return None
        error = outcome.exception or outcome.handled_exception
        what = f"{type(error).__name__}: {error}" if error else f"answers {outcome.status}"
        what = " ".join(what.split())
        reason = (
            f"{case.endpoint.label} raises {what}" if error else f"{case.endpoint.label} {what}"
        )
        if len(reason) > 90:
            reason = reason[:87] + "..."
        raises = ""
        if outcome.exception is not None:
            name = self._exception_name(type(outcome.exception))
            raises = f"raises={name}, " if name else ""
        return f"@pytest.mark.xfail({raises}strict=True, reason={string(reason)})"

    def _exception_name(self, exc_type: type[BaseException]) -> str | None:
        exc_type = portable_exception(exc_type)
        name = exc_type.__name__
        if getattr(builtins, name, None) is exc_type:
            return name
        module = exc_type.__module__
        try:
            found = getattr(importlib.import_module(module), exc_type.__qualname__, None)
        except ImportError:
            return None
        if found is not exc_type or "." in exc_type.__qualname__:
            return None
        self.imports.add((module, name))
        return name

    def lines(self, case: Case, payload: str | None) -> list[str]:
        """The assertions for a case whose request gave `response`."""
        outcome = case.outcome
        assert outcome is not None
        if outcome.server_error:
            return ["assert response.status_code < 500"]
        lines = [f"assert response.status_code == {outcome.status}"]
        if outcome.status == 204:
            lines.append('assert response.data == b""')
        elif 300 <= outcome.status < 400 and outcome.location:
            path = urlsplit(outcome.location).path
            if path and is_stable(path, outcome.volatile) and not re.search(r"/\d+(/|$)", path):
                self.imports.add(("urllib.parse", "urlsplit"))
                lines.append(f"assert urlsplit(response.location).path == {string(path)}")
        elif outcome.json is not None:
            lines += self._json_lines(case, outcome.json, payload)
        elif outcome.mimetype == "text/html":
            lines.append('assert response.mimetype == "text/html"')
            lines += self._html_lines(case)
        if self.models and case.kind in HAPPY_KINDS and payload and outcome.succeeded:
            lines += self._stored_lines(case, payload)
        if case.kind in HAPPY_KINDS and payload and outcome.succeeded:
            lines += self._changed_lines(case, payload)
        if outcome.row_gone and case.kind in HAPPY_KINDS and case.setups:
            setup = case.setups[-1]
            self.imports.add(("__models__", setup.model))
            lines.append(f"assert db_session.get({setup.model}, {setup.var}_id) is None")
        return lines

    def _changed_lines(self, case: Case, payload: str) -> list[str]:
        """What the write changed in the row its URL names, to the values the body sent."""
        outcome = case.outcome
        body = case.request.body
        setup = url_row(case)
        if outcome is None or not outcome.row_changes or not isinstance(body, dict) or not setup:
            return []
        sent = [
            (key, snake(str(key)))
            for key, value in body.items()
            if type(value) in (str, int, float)
            and outcome.row_changes.get(snake(str(key)), _NOTHING) == value
        ]
        if not sent:
            return []
        var = setup.var
        lines = [f"db_session.refresh({var})"]
        lines += [f"assert {var}.{column} == {payload}[{string(key)}]" for key, column in sent]
        return lines

    def _stored_lines(self, case: Case, payload: str) -> list[str]:
        """The row a POST made, found in the database by the values its body sent."""
        outcome = case.outcome
        body = case.request.body
        if outcome is None or case.request.method != "POST" or not isinstance(body, dict):
            return []
        for model, values in outcome.inserted_rows:
            if model not in self.models:
                continue
            sent = [
                key
                for key, value in body.items()
                if type(value) in (str, int)
                and snake(str(key)) in values
                and values[snake(str(key))] == value
            ]
            if sent:
                # A unique column names the row best; any other sent value still finds it.
                unique = {c for m, c, _ in outcome.inserted_unique if m == model}
                key = next((k for k in sent if snake(str(k)) in unique), sent[0])
                self.imports.add(("__models__", model))
                self.imports.add(("sqlalchemy", "select"))
                query = f"select({model}).filter_by({snake(str(key))}={payload}[{string(key)}])"
                return [f"assert db_session.scalar({query}) is not None"]
        return []

    def _json_lines(self, case: Case, body: Any, payload: str | None) -> list[str]:
        outcome = case.outcome
        assert outcome is not None
        stable = is_stable(body, outcome.volatile, outcome.volatile_paths)
        if stable and len(json.dumps(body)) <= _MAX_WHOLE_BODY:
            return [f"assert response.get_json() == {literal(body)}"]
        lines = ["body = response.get_json()"]
        target, access = body, "body"
        if isinstance(body, dict):
            lines.append(f"assert set(body) == {SortedKeys(body)!r}")
            if len(body) == 1:
                key = next(iter(body))
                target, access = body[key], f"body[{string(key)}]"
        if isinstance(target, dict) and target is not body:
            lines.append(f"assert set({access}) == {SortedKeys(target)!r}")
        if isinstance(body, dict) and len(body) > 1:
            for key, value in list(body.items()):
                if isinstance(value, list):
                    lines.append(f"assert len(body[{string(key)}]) == {len(value)}")
        if isinstance(target, list):
            lines.append(f"assert len({access}) == {len(target)}")
            if target and isinstance(target[0], dict):
                lines.append(f"assert set({access}[0]) == {SortedKeys(target[0])!r}")
        if isinstance(target, dict):
            within = () if target is body else (next(iter(body)),)
            lines += self._echo_lines(case, target, access, payload, within)
        return lines

    def _echo_lines(
        self,
        case: Case,
        data: dict[str, Any],
        access: str,
        payload: str | None,
        within: tuple[str, ...],
    ) -> list[str]:
        outcome = case.outcome
        assert outcome is not None
        lines = []
        body = case.request.body or {}
        for key, sent in body.items():
            echoed = key in data and not isinstance(sent, Code) and data[key] == sent
            if echoed and payload and (*within, key) not in outcome.volatile_paths:
                lines.append(f"assert {access}[{string(key)}] == {payload}[{string(key)}]")
        rerun = outcome.rerun
        for var, column, value in _created_fields(case):
            # The response may name the column in camelCase: makerId for maker_id.
            key = next((k for k in data if snake(str(k)) == column), column)
            seen = f"[{string(key)}]" in " ".join(lines)
            if key not in data or data[key] != value or type(value) not in (str, int) or seen:
                continue
            if (*within, key) in outcome.volatile_paths:
                # A value the database picked: kept only when it is the row's in both runs.
                again = rerun.row_values.get(var, {}).get(column) if rerun else None
                if rerun is None or leaf_at(rerun.json, (*within, key)) != again:
                    continue
            lines.append(f"assert {access}[{string(key)}] == {var}.{column}")
        return lines[:4]

    def _html_lines(self, case: Case) -> list[str]:
        outcome = case.outcome
        text = outcome.text if outcome else ""
        # A refused form is shown again with what was wrong: the page says it to the user.
        for message in _form_errors(case):
            if len(message) >= 4 and str(escape(message)) in text:
                self.imports.add(("markupsafe", "escape"))
                return [f"assert escape({string(message)}) in response.get_data(as_text=True)"]
        for var, key, value in _created_fields(case):
            if isinstance(value, str) and len(value) >= 4 and str(escape(value)) in text:
                self.imports.add(("markupsafe", "escape"))
                return [f"assert escape({var}.{key}) in response.get_data(as_text=True)"]
        # Otherwise the page's title says which page it is, unless it shows a row's values.
        title = _TITLE.search(text)
        if outcome is None or outcome.status != 200 or title is None:
            return []
        shown = title.group(0)
        words = title.group(1).strip()
        if not words or len(shown) > 100 or not is_stable(words, outcome.volatile):
            return []
        return [f"assert {string(shown)} in response.get_data(as_text=True)"]


def _form_errors(case: Case) -> Iterator[str]:
    """The messages of the errors each refused form held, field by field."""
    for _, errors in case.outcome.refused_forms if case.outcome else []:
        for messages in errors.values():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                if isinstance(message, str):
                    yield message


def _created_fields(case: Case) -> Iterator[tuple[str, str, Any]]:
    """(variable, column, value) for each column of the rows the case's own setups made."""
    made = {s.var for s in case.setups}
    for var, values in (case.outcome.row_values if case.outcome else {}).items():
        if var in made:
            for key, value in values.items():
                yield var, key, value


_NOTHING = object()


class SortedKeys(list[str]):
    """Keys written as a sorted set literal."""

    def __init__(self, mapping: dict[str, Any]) -> None:
        super().__init__(sorted(str(k) for k in mapping))

    def __repr__(self) -> str:
        return "{" + ", ".join(string(k) for k in self) + "}"
