"""The ini list endpoint_coverage_exempt: endpoints that need no error case, with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

INI_EXEMPT = "endpoint_coverage_exempt"


class ExemptionError(ValueError):
    """A line of the exemption list that cannot be read."""


@dataclass(frozen=True)
class Exemption:
    """One line of the list: a method, a rule, and why the endpoint does not count."""

    method: str
    rule: str
    reason: str

    @property
    def text(self) -> str:
        """The line as a user writes it."""
        return f"{self.method} {self.rule}  {self.reason}"


def parse_exemptions(lines: Iterable[str]) -> tuple[Exemption, ...]:
    """Read `METHOD RULE  reason` lines; blank lines and # comments are skipped."""
    exemptions = []
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(None, 2)
        if len(parts) < 3 or not parts[1].startswith("/"):
            raise ExemptionError(
                f"{INI_EXEMPT}: cannot read {text!r}: write one endpoint a line as "
                "`GET /health  why it needs no error case`."
            )
        method, rule, reason = parts
        exemptions.append(Exemption(method.upper(), rule, reason.strip()))
    return tuple(exemptions)
