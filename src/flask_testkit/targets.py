"""Which database each bind runs on during the tests: a URL that was set, or a test copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_testkit import settings
from flask_testkit.database import display, parse, test_copy_of, with_suffix, xdist_worker

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


@dataclass(frozen=True)
class TestDatabases:
    """The rule that maps a bind's configured URL to the URL its tests run on."""

    __test__ = False  # its name starts with "Test"

    # A URL set for the run (or passed to a helper): the default bind runs there, the others on
    # `<name>_<bind key>` beside it.
    override: URL | None
    source: str
    # Opted in to the configured database itself (ini flask_db_use_configured).
    use_configured: bool
    worker: str | None

    def url_for(self, bind_key: str | None, configured: URL) -> URL:
        """The URL the bind runs on in this process."""
        if self.override is not None:
            base = self.override if bind_key is None else with_suffix(self.override, bind_key)
        elif self.use_configured:
            base = configured
        else:
            base = test_copy_of(configured)
        return with_suffix(base, self.worker)

    def describe(self) -> str:
        """How the database is chosen, for the run header."""
        if self.override is not None:
            return f"{display(self.override)} (from {self.source})"
        if self.use_configured:
            return f"the app's configured database itself (ini {settings.USE_CONFIGURED_INI})"
        return "a test copy of the app's configured database (<name>_test, <file>_test.db)"


def choose(url: str | None = None, default_url: str | None = None) -> TestDatabases:
    """The rule of this run: `url`, else the run's setting, else `default_url`, else a test copy."""
    active = settings.current()
    chosen, source = url, "the url argument"
    if not chosen and active.db_url.value:
        chosen, source = active.db_url.value, active.db_url.source
    if not chosen and default_url:
        chosen, source = default_url, "the default_url argument"
    if chosen:
        return TestDatabases(parse(chosen, source), source, False, xdist_worker())
    source = f"ini {settings.USE_CONFIGURED_INI}" if active.use_configured else "derived"
    return TestDatabases(None, source, active.use_configured, xdist_worker())
