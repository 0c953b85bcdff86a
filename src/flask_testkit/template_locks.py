"""The lock the xdist workers of a run share around a template: who builds it, who is still in.

Two locks per template. The builder lock is exclusive: whoever holds it may check, build or drop
the template. The users lock is held shared by every worker from the moment it joins until it
leaves; a worker that can take it exclusively, under the builder lock, is alone: the first one in
(the template is from an earlier run) or the last one out (nobody will copy it any more). Both
are released by the server or the kernel when a worker dies, so a killed worker never leaves a
lock held.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from flask_testkit.database import server_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection

_BUILDER = 1
_USERS = 2


class RunLock:
    """The builder and users locks of one template; see the module's docstring."""

    def join(self) -> bool:
        """Take the builder lock and join the users; True for the first worker in."""
        self._lock_builder()
        first = self._alone()
        self._hold_users()
        return first

    def unlock(self) -> None:
        """Let the other workers at the template; this one stays among its users."""
        self._unlock_builder()

    def leave(self) -> bool:
        """Take the builder lock and leave the users; True for the last worker out."""
        self._lock_builder()
        self._drop_users()
        return self._alone()

    def close(self, *, last: bool) -> None:
        """Release whatever is still held; the last worker out also removes what the locks use."""
        raise NotImplementedError

    def _lock_builder(self) -> None:
        raise NotImplementedError

    def _unlock_builder(self) -> None:
        raise NotImplementedError

    def _alone(self) -> bool:
        raise NotImplementedError

    def _hold_users(self) -> None:
        raise NotImplementedError

    def _drop_users(self) -> None:
        raise NotImplementedError


def run_lock(template: URL) -> RunLock:
    """The lock for this template: advisory locks on PostgreSQL, lock files beside SQLite's."""
    if template.get_backend_name() == "postgresql":
        return _AdvisoryLock(template)
    return _FileLock(Path(template.database or ""))


class _AdvisoryLock(RunLock):
    """Session-level advisory locks, taken on the server's `postgres` database.

    Advisory locks belong to one database: every worker takes them on the same one, never on the
    template, which must have no session connected when it is copied.
    """

    def __init__(self, template: URL) -> None:
        digest = hashlib.sha256(f"flask-testkit {template.database}".encode()).digest()
        self._key = int.from_bytes(digest[:4], "big", signed=True)
        self._engine = server_engine(template)
        self._connection: Connection | None = None
        # Advisory locks stack: a second lock would need a second unlock.
        self._builder_held = False

    def _call(self, function: str, part: int) -> object:
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection.scalar(
            sa.text(f"SELECT {function}(:key, :part)"), {"key": self._key, "part": part}
        )

    def _lock_builder(self) -> None:
        if not self._builder_held:
            self._call("pg_advisory_lock", _BUILDER)
            self._builder_held = True

    def _unlock_builder(self) -> None:
        if self._builder_held:
            self._call("pg_advisory_unlock", _BUILDER)
            self._builder_held = False

    def _alone(self) -> bool:
        if not self._call("pg_try_advisory_lock", _USERS):
            return False
        self._call("pg_advisory_unlock", _USERS)
        return True

    def _hold_users(self) -> None:
        self._call("pg_advisory_lock_shared", _USERS)

    def _drop_users(self) -> None:
        self._call("pg_advisory_unlock_shared", _USERS)

    def close(self, *, last: bool) -> None:
        # Closing the session releases every advisory lock it holds.
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._builder_held = False
        self._engine.dispose()


class _FileLock(RunLock):
    """flock(2) on two files beside the template: `<file>.lock` and `<file>.users`."""

    def __init__(self, template: Path) -> None:
        self._builder_path = template.with_name(f"{template.name}.lock")
        self._users_path = template.with_name(f"{template.name}.users")
        self._builder: int | None = None
        self._users: int | None = None

    def _lock_builder(self) -> None:
        if self._builder is not None:
            return
        self._builder_path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self._builder_path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            # The last worker out removes the file while holding it: a worker that waited on
            # the removed file holds a lock nobody else can see, and must take the new one.
            try:
                if os.stat(self._builder_path).st_ino == os.fstat(fd).st_ino:
                    self._builder = fd
                    return
            except FileNotFoundError:
                pass
            os.close(fd)

    def _unlock_builder(self) -> None:
        if self._builder is not None:
            os.close(self._builder)
            self._builder = None

    def _alone(self) -> bool:
        # The users file is opened, and removed, only under the builder lock: no race on it.
        fd = os.open(self._users_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)
        return True

    def _hold_users(self) -> None:
        fd = os.open(self._users_path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._users = fd

    def _drop_users(self) -> None:
        if self._users is not None:
            os.close(self._users)
            self._users = None

    def close(self, *, last: bool) -> None:
        self._drop_users()
        if last and self._builder is not None:
            self._users_path.unlink(missing_ok=True)
            self._builder_path.unlink(missing_ok=True)
        self._unlock_builder()
