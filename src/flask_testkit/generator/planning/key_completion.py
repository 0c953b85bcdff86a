"""Send what the app looked for: the keys its code read and the request did not hold.

Reading a view's source finds the body keys it names itself; the keys a helper, a model method
or a check like `'password' not in data` reads are found by running it. Each request that is
refused adds the keys it was seen to read, or, when it read nothing new, tries another type for
the key read last (`float(data["cost"])` refuses a word), until a request succeeds or nothing is
left to try.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..cases import HAPPY, Case, Request
from ..code import Code
from ..probing.key_reads import ARGS, FORM, JSON
from .error_cases import BODY_METHODS
from .row_setups import referenced_rows
from .values import sample_for_name

if TYPE_CHECKING:
    from ..probing.body_values import BodyValues
    from ..reading.model_lookup import ModelLookup

# Requests sent per case at most, each with a new key or a new type for one.
MAX_ROUNDS = 8
_JSON_READERS = frozenset(("get_json", "json"))
# Other types for a JSON value the app refused: a number, a flag, a list.
_RETYPED: tuple[Any, ...] = (1, 1.5, True, [])


class KeyCompletion:
    """Re-sends a refused request with the keys its handling read, until one succeeds."""

    bodies: BodyValues
    lookup: ModelLookup

    def _probe(self, case: Case) -> Case:
        raise NotImplementedError

    def completed(self, case: Case) -> Case | None:
        """A request that succeeds, made from case by adding the keys the app read; or None."""
        current = case
        retyped: dict[str, int] = {}
        for _ in range(MAX_ROUNDS):
            outcome = current.outcome
            if outcome is None or outcome.setup_error is not None or not outcome.view_ran:
                return None
            if outcome.network or outcome.timed_out:
                return None
            if current is not case and outcome.succeeded:
                return self._pruned(current)
            fuller = self.with_keys_read(current) or _retyped(current, retyped)
            if fuller is None:
                return None
            current = self._probe(fuller)
        outcome = current.outcome
        return self._pruned(current) if outcome is not None and outcome.succeeded else None

    def _pruned(self, case: Case) -> Case:
        """case without the body keys its handling never read, if it succeeds without them."""
        outcome = case.outcome
        body = case.request.body
        assert outcome is not None
        read = set(outcome.keys_read.get(case.request.body_kind, []))
        if not isinstance(body, dict) or not read or set(body) <= read:
            return case
        kept = {key: value for key, value in body.items() if key in read}
        lean = self._probe(with_request(case, replace(case.request, body=kept)))
        if lean.outcome is not None and lean.outcome.status == outcome.status:
            return lean
        return case

    def with_keys_read(self, case: Case) -> Case | None:
        """case, sending as well every key its last handling read that it did not send."""
        outcome = case.outcome
        assert outcome is not None
        request = case.request
        read = outcome.keys_read
        body = dict(request.body) if isinstance(request.body, dict) else None
        kind = request.body_kind
        query = dict(request.query or {})
        in_body: set[str] = set()
        if case.endpoint.method in BODY_METHODS:
            json_keys, form_keys = read.get(JSON, []), read.get(FORM, [])
            reads_json = bool(outcome.input_reads & _JSON_READERS)
            if json_keys or (body is None and reads_json):
                kind, keys = JSON, json_keys
            elif form_keys:
                kind, keys = FORM, form_keys
            else:
                keys = []
            if keys or (body is None and kind == JSON and reads_json):
                body = body if body is not None else {}
                model = self.lookup.collection_model(case.endpoint)
                added = {key: sample_for_name(key) for key in keys if key not in body}
                body.update(self.bodies.fit(added, model))
                in_body = set(keys)
        for key in read.get(ARGS, []):
            value = sample_for_name(key)
            if key not in query and key not in in_body and not isinstance(value, Code):
                query[key] = str(value)
        unchanged = (
            body == request.body and kind == request.body_kind and query == (request.query or {})
        )
        if unchanged:
            return None
        return with_request(case, replace(request, body=body, body_kind=kind, query=query or None))


def _retyped(case: Case, tried: dict[str, int]) -> Case | None:
    """case, with another type for the JSON key its handling read last before it failed."""
    outcome = case.outcome
    request = case.request
    assert outcome is not None
    last = outcome.last_key_read
    body = request.body
    if outcome.succeeded or last is None or last[0] != JSON or request.body_kind != JSON:
        return None
    key = last[1]
    if not isinstance(body, dict) or key not in body or isinstance(body[key], Code):
        return None
    index = tried.get(key, 0)
    if index >= len(_RETYPED):
        return None
    tried[key] = index + 1
    return with_request(case, replace(request, body={**body, key: _RETYPED[index]}))


def with_request(case: Case, request: Request) -> Case:
    """A happy-path case like case, sending request, with the rows its body points at."""
    taken = {s.var for s in case.setups}
    return Case(
        case.endpoint,
        HAPPY,
        request,
        case.setups + referenced_rows(request.body, taken),
        model_hint=case.model_hint,
        paths=case.paths,
    )
