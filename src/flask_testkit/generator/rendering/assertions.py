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

from ..cases import HAPPY, Case
from ..code import Code, literal, string

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\w{3}, \d{2} \w{3} \d{4}")
_MAX_WHOLE_BODY = 300


_ID_KEY = re.compile(r"(^|_)(id|uuid|pk|token)$", re.IGNORECASE)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        leaves = list(value)
        for key, item in value.items():
            if _ID_KEY.search(str(key)) and not isinstance(item, dict | list):
                leaves.append(_Unstable())
            leaves += _leaves(item)
        return leaves
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def is_stable(body: Any, volatile: set[str]) -> bool:
    """True when the body holds nothing that changes from run to run."""
    for leaf in _leaves(body):
        if isinstance(leaf, _Unstable):
            return False  # ids come from sequences, which rollbacks do not rewind
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


class _Unstable:
    """Marks a leaf whose value is assigned by the database."""


class AssertionWriter:
    """Writes one case's assertions and remembers the imports they need."""

    def __init__(self) -> None:
        self.imports: set[tuple[str, str | None]] = set()

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
        if outcome.row_gone and case.kind == HAPPY and case.setups:
            setup = case.setups[-1]
            self.imports.add(("__models__", setup.model))
            lines.append(f"assert db_session.get({setup.model}, {setup.var}_id) is None")
        return lines

    def _json_lines(self, case: Case, body: Any, payload: str | None) -> list[str]:
        outcome = case.outcome
        assert outcome is not None
        if is_stable(body, outcome.volatile) and len(json.dumps(body)) <= _MAX_WHOLE_BODY:
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
            lines += self._echo_lines(case, target, access, payload)
        return lines

    def _echo_lines(
        self, case: Case, data: dict[str, Any], access: str, payload: str | None
    ) -> list[str]:
        lines = []
        body = case.request.body or {}
        for key, sent in body.items():
            if key in data and not isinstance(sent, Code) and data[key] == sent and payload:
                lines.append(f"assert {access}[{string(key)}] == {payload}[{string(key)}]")
        # A POST answers with the row it made, whose ids match the rows set up only by chance.
        new_row = case.request.method == "POST"
        for var, key, value in _created_fields(case):
            seen = f"[{string(key)}]" in " ".join(lines)
            if new_row and _ID_KEY.search(key):
                continue
            if key in data and data[key] == value and type(value) in (str, int) and not seen:
                lines.append(f"assert {access}[{string(key)}] == {var}.{key}")
        return lines[:4]

    def _html_lines(self, case: Case) -> list[str]:
        text = case.outcome.text if case.outcome else ""
        for var, key, value in _created_fields(case):
            if isinstance(value, str) and len(value) >= 4 and str(escape(value)) in text:
                self.imports.add(("markupsafe", "escape"))
                return [f"assert escape({var}.{key}) in response.get_data(as_text=True)"]
        return []


def _created_fields(case: Case) -> Iterator[tuple[str, str, Any]]:
    """(variable, column, value) for each column of the rows the case's own setups made."""
    made = {s.var for s in case.setups}
    for var, values in (case.outcome.row_values if case.outcome else {}).items():
        if var in made:
            for key, value in values.items():
                yield var, key, value


class SortedKeys(list[str]):
    """Keys written as a sorted set literal."""

    def __init__(self, mapping: dict[str, Any]) -> None:
        super().__init__(sorted(str(k) for k in mapping))

    def __repr__(self) -> str:
        return "{" + ", ".join(string(k) for k in self) + "}"
