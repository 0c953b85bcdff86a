"""Under pytest-xdist, each worker's database is a copy of a template whose schema is built once.

The template is named after the un-suffixed test database: `app_test_template` beside the
workers' `app_test_gw0`, `app_test_gw1`... (`test_template.db` for an SQLite file). The first
worker in builds it, or, with --reuse-db, keeps the one of an earlier run while the schema's
fingerprint matches; the others wait for it on a lock and copy it. The last worker out drops it,
unless --reuse-db keeps it (a worker that starts after all the others have left builds it again).
Template and copies carry the plugin's mark, like any database it creates.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from flask_testkit.database import (
    copy_database,
    create_database,
    database_exists,
    display,
    is_memory,
    unreachable,
    with_suffix,
)
from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.marking import Mark, drop_created, mark_created, read_mark
from flask_testkit.provisioning import Provisioned
from flask_testkit.template_locks import RunLock, run_lock

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sqlalchemy.engine import URL, Engine

# "0", "false", "no" or "off": each worker builds its own schema, as a single process does.
TEMPLATE_ENV = "FLASK_TESTKIT_DB_TEMPLATE"


def template_of(url: URL) -> URL:
    """The template's URL for a test database's un-suffixed URL."""
    return with_suffix(url, "template")


def templates_apply(worker: str | None, urls: Iterable[URL]) -> bool:
    """Whether this process copies its databases: an xdist worker, on databases that can be."""
    switched_off = os.environ.get(TEMPLATE_ENV, "").strip().lower() in ("0", "false", "no", "off")
    if not worker or switched_off:
        return False
    return all(
        url.get_backend_name() in ("postgresql", "sqlite")
        and not is_memory(url)
        # A URI filename may carry options a plain file copy would not keep.
        and not url.query.get("uri")
        for url in urls
    )


def _ours(url: URL, mark: Mark | None) -> bool:
    """Missing, or created by the plugin: never a database of the user's."""
    return mark.created if mark is not None else not database_exists(url)


class TemplateCopies:
    """One app's databases in one xdist worker, and the templates they are copied from."""

    def __init__(
        self,
        engines: list[Engine],
        templates: list[URL],
        fingerprint: str,
        *,
        reuse: bool,
        recreate: bool,
    ) -> None:
        self.engines = engines
        self.templates = templates
        self.fingerprint = fingerprint
        self.reuse = reuse
        self.recreate = recreate
        self._lock: RunLock | None = None
        self._templates_ours = False

    def provision(self, build: Callable[[], None]) -> list[Provisioned] | None:
        """Copy each database from its template, which `build` fills when it must be rebuilt.

        None when a worker database or a template is not the plugin's: the caller then builds
        the schema in place, as a single process does, and nothing of the user's is touched.
        """
        try:
            marks = [read_mark(engine.url) for engine in self.engines]
        except SQLAlchemyError as exc:
            raise unreachable(self.engines[0].url, exc) from exc
        workers = zip(self.engines, marks, strict=True)
        if not all(_ours(engine.url, mark) for engine, mark in workers):
            return None
        keep = self.reuse and not self.recreate
        if keep and all(mark and mark.fingerprint == self.fingerprint for mark in marks):
            return [Provisioned(e.url, e, created=True, reused=True) for e in self.engines]
        try:
            for engine, mark in zip(self.engines, marks, strict=True):
                engine.dispose()
                if mark is not None:  # the plugin's, from this run's factory or a killed run
                    # Dropped before the template is built: PostgreSQL checkpoints on DROP
                    # DATABASE, which costs little before a build writes, and the other workers
                    # drop theirs while the first one builds.
                    drop_created(engine.url)
            if not self._fill_templates(build, keep=keep):
                return None
            for engine, template in zip(self.engines, self.templates, strict=True):
                copy_database(template, engine.url)
                # A PostgreSQL comment is not copied with the database; SQLite's header is.
                mark_created(engine.url, None)
        except BaseException as exc:
            self._drop_copies()
            if isinstance(exc, SQLAlchemyError | sqlite3.Error):
                raise self._copy_failed(exc) from exc
            raise
        return [Provisioned(e.url, e, created=True) for e in self.engines]

    def _fill_templates(self, build: Callable[[], None], *, keep: bool) -> bool:
        """Make the templates hold this schema; False when this worker must build its own."""
        try:
            self._lock = run_lock(self.templates[0])
            first = self._lock.join()
        except SQLAlchemyError as exc:
            raise unreachable(self.templates[0], exc) from exc
        try:
            marks = [read_mark(url) for url in self.templates]
            if not all(_ours(url, mark) for url, mark in zip(self.templates, marks, strict=True)):
                return False
            self._templates_ours = True
            matches = all(mark and mark.fingerprint == self.fingerprint for mark in marks)
            if not first:
                # Only a worker alone changes a template: the others may be copying it now.
                # Not matching here, the first one's build failed: build in place, as without
                # templates, and fail in the same words.
                return matches
            # The first worker in finds the templates of an earlier run: without --reuse-db (or
            # with --create-db), the run builds its own.
            if matches and keep:
                return True
            for url, mark in zip(self.templates, marks, strict=True):
                if mark is not None:
                    drop_created(url)
                create_database(url)
                # Marked before its schema exists: a build killed from here on is still known.
                mark_created(url, None)
            build()
            for url in self.templates:
                mark_created(url, self.fingerprint)
            return True
        finally:
            # The copies need no lock: nobody rebuilds or drops a template another worker uses.
            self._lock.unlock()

    def finish(self) -> None:
        """Leave the templates; the last worker out drops them, unless --reuse-db keeps them."""
        lock, self._lock = self._lock, None
        if lock is None:
            return
        last = False
        try:
            last = lock.leave()
            if last and self._templates_ours and not self.reuse:
                for url in self.templates:
                    drop_created(url)
        except SQLAlchemyError:  # the end of a run must not fail on a server gone away
            pass
        finally:
            lock.close(last=last)

    def _drop_copies(self) -> None:
        # Each was missing or the plugin's before this worker began: none is the user's.
        for engine in self.engines:
            with suppress(SQLAlchemyError, OSError):
                engine.dispose()
                drop_created(engine.url)

    def _copy_failed(self, exc: BaseException) -> ConfigurationError:
        reason = one_line(getattr(exc, "orig", None) or exc).rstrip(".")
        return ConfigurationError(
            f"could not copy the test database template {display(self.templates[0])} for this "
            f"xdist worker: {reason}. Close any other session on it, or set {TEMPLATE_ENV}=0 "
            "to have each worker build its own schema."
        )
