"""What init plans for one endpoint: its cases, and what they show about it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_testkit.endpoint_coverage.login_redirects import APPS_OWN_SESSION_KEYS

from ..cases import (
    FORM_REJECTED,
    HAPPY_KINDS,
    NOT_ALLOWED,
    UNAUTHENTICATED,
    WRONG_PASSWORD,
    Case,
    Outcome,
)
from ..reading.routes import Endpoint

_REDIRECTS = (301, 302, 303, 307, 308)
# What only chooses how to answer, never whether: the language (a Babel locale selector reads it
# on every request). No request is refused for it.
_LANGUAGE_READS = frozenset({"accept_languages"})
_LANGUAGE_HEADERS = frozenset({"accept-language"})


def deciding_reads(outcome: Outcome) -> tuple[set[str], dict[str, list[str]]]:
    """What the handling read (names, keys by where), less what only chose the language."""
    names = set(outcome.input_reads) - _LANGUAGE_READS
    keys = {where: list(found) for where, found in outcome.keys_read.items()}
    if "headers" in keys:
        headers = [h for h in keys["headers"] if h.lower() not in _LANGUAGE_HEADERS]
        if headers:
            keys["headers"] = headers
        else:
            del keys["headers"]
            names.discard("headers")
    return names, keys


def reads_language(outcome: Outcome) -> bool:
    """Whether the handling read the language the client asks for."""
    headers = outcome.keys_read.get("headers", [])
    return bool(outcome.input_reads & _LANGUAGE_READS) or any(
        header.lower() in _LANGUAGE_HEADERS for header in headers
    )


def _reads_input(outcome: Outcome) -> bool:
    """Whether the app's code read anything of the request a client chooses."""
    names, keys = deciding_reads(outcome)
    if names - {"session"}:
        return True
    if "session" not in names:
        return False
    # Only the keys it was seen to look up tell what it read of the session.
    session = keys.get("session")
    return not session or not set(session) <= APPS_OWN_SESSION_KEYS or len(keys) > 1


@dataclass
class EndpointPlan:
    """The cases written for one endpoint, and why any are missing."""

    endpoint: Endpoint
    cases: list[Case] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    # Read only who is signed in, and both a visitor and the signed-in user succeeded.
    everyone_accepted: bool = False

    @property
    def has_happy(self) -> bool:
        """A passing happy-path test was written."""
        return any(
            c.kind in HAPPY_KINDS and c.outcome and not c.outcome.server_error for c in self.cases
        )

    @property
    def has_error(self) -> bool:
        """An error-case test (4xx, or a form that refused its data) was written."""
        return any(
            (
                c.is_error_case
                and c.kind != NOT_ALLOWED
                and c.outcome
                and 400 <= c.outcome.status < 500
            )
            # Sent elsewhere without credentials, where the signed-in user got the page.
            or (
                c.kind == UNAUTHENTICATED
                and c.outcome
                and c.outcome.status in _REDIRECTS
                and self._signed_in_page
            )
            # The form shown again, refused: by its validators, or by the view (a wrong password).
            or (
                c.kind in (FORM_REJECTED, WRONG_PASSWORD)
                and c.outcome
                and 200 <= c.outcome.status < 300
                and c.outcome.refused_forms
            )
            for c in self.cases
        )

    @property
    def _signed_in_page(self) -> bool:
        return any(
            c.kind in HAPPY_KINDS and c.request.auth and c.outcome and 200 <= c.outcome.status < 300
            for c in self.cases
        )

    @property
    def reads_language(self) -> bool:
        """Whether any request sent to it read the language the client asks for."""
        return any(c.outcome is not None and reads_language(c.outcome) for c in self.cases)

    @property
    def reads_no_input(self) -> bool:
        """It works, takes no rule argument, and its code read nothing of the requests sent.

        Such an endpoint answers every request alike: none can be refused, so it has no error
        case, and is exempt from needing one. The messages the app flashed itself and the CSRF
        token its form keeps in the session are the app's own, not the client's input; the
        language it answers in is chosen, never refused.
        """
        probed = [
            c.outcome
            for c in self.cases
            if c.kind != NOT_ALLOWED and c.outcome is not None and c.outcome.setup_error is None
        ]
        return (
            self.has_happy
            and not self.has_error
            and not self.reasons
            and not self.endpoint.arguments
            and self.endpoint.redirect_to is None
            and bool(probed)
            and all(outcome.view_ran for outcome in probed)
            and not any(_reads_input(outcome) or outcome.server_error for outcome in probed)
        )
