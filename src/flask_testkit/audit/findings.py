"""The guide's "Don't" rules that an audit checks, and the findings it reports against them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class AuditError(Exception):
    """Bad input the user can fix; the message is one line that says what to do next."""


@dataclass(frozen=True)
class Rule:
    """One rule: its stable id, the guide's sentence, and what to do instead."""

    id: str
    guide: str
    advice: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "mocked-database",
            "Do not mock the database in integration tests; use a real test database with "
            "rollback.",
            "use the real test database through `db_session`; the rollback undoes the writes. "
            "To see a failure, cause it for real (a duplicate row, a missing one).",
        ),
        Rule(
            "hard-coded-id",
            "Do not hardcode IDs or timestamps that may change between runs.",
            'read the value from the row the test made: f"/users/{user.id}", '
            "`== user.id`, `== user.created_at.isoformat()`.",
        ),
        Rule(
            "order-dependence",
            "Do not make tests depend on execution order.",
            "make each test set up what it needs and undo what it changes; run "
            "`pytest -p randomly` to keep it so.",
        ),
        Rule(
            "shared-state",
            "Do not share mutable state between tests; each test gets a fresh database session.",
            "undo the change in the test's own teardown: `monkeypatch` for config, environment "
            "and globals, `db_session` for rows, a `with` block for contexts.",
        ),
        Rule(
            "skipped-error-cases",
            "Do not skip testing error cases (4xx responses, validation failures, edge cases).",
            "add a test that gets the endpoint's 4xx: a missing row, a bad body, no credentials.",
        ),
        Rule(
            "private-internals",
            "Do not test implementation details such as private methods or internal data "
            "structures.",
            "test through the public function, model or endpoint that uses it.",
        ),
        Rule(
            "layout",
            "Separate unit tests (service logic) from integration tests (HTTP endpoints).",
            "keep request tests in tests/integration on the real test database, and service "
            "tests in tests/unit.",
        ),
    )
}

#: What `--fail-on` accepts besides the rule ids.
ALL = "all"


@dataclass(frozen=True)
class Finding:
    """One place where the suite breaks a rule: what is wrong there, and what to do instead."""

    rule: str
    path: str
    line: int | None
    message: str
    advice: str = ""

    @property
    def where(self) -> str:
        """file:line, or the file alone when the finding is about a whole file or folder."""
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def what_to_do(self) -> str:
        """This finding's own advice, or its rule's."""
        return self.advice or RULES[self.rule].advice

    def sort_key(self) -> tuple[int, str, int, str]:
        """Rules in the catalogue's order, then by place."""
        return (list(RULES).index(self.rule), self.path, self.line or 0, self.message)


def parse_fail_on(value: str | None) -> frozenset[str]:
    """The rule ids of `--fail-on a,b` (`all` for every rule), or an AuditError naming a typo."""
    if not value:
        return frozenset()
    names = {name.strip() for name in value.split(",") if name.strip()}
    if ALL in names:
        return frozenset(RULES)
    unknown = sorted(names - set(RULES))
    if unknown:
        raise AuditError(
            f"--fail-on names no such rule: {', '.join(unknown)}. "
            f"Pick from {', '.join(RULES)} or {ALL}."
        )
    return frozenset(names)


def failing(findings: Iterable[Finding], rules: frozenset[str]) -> list[Finding]:
    """The findings of the rules that fail the run."""
    return [finding for finding in findings if finding.rule in rules]
