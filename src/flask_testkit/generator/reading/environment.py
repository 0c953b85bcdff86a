"""The environment variables the app reads while `init` runs, and the conftest's values."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Names that hold a secret: the conftest never repeats their value.
_SECRET = re.compile(r"SECRET|PASSW|PWD|TOKEN|KEY|SALT|PRIVATE|CREDENTIAL|AUTH|SIGNATURE|DSN|CERT")
_DATABASES = {"sqlite", "postgresql", "postgres", "mysql", "mariadb", "mssql", "oracle"}
# Libraries whose only job is reading settings: a read through them is the app's read.
_SETTINGS_LIBRARIES = {"decouple", "environs", "envparse", "pydantic_settings", "dynaconf"}
# Set by the shell, pytest or this tool, never the app's own settings.
_IGNORED = {"HOME", "PATH", "USER", "LANG", "PWD", "TMPDIR", "SHELL", "TERM", "TEST_DATABASE_URL"}
_IGNORED_PREFIXES = ("FLASK_", "WERKZEUG_", "PYTEST_", "PYTHON", "LC_")
_STDLIB = os.path.dirname(os.__file__)
# Long enough for HMAC keys (PyJWT warns below 32 bytes), and plainly not a real secret.
_TEST_SECRET = "test-{name}-not-a-real-secret"


# Set in a developer's shell or .flaskenv: debug mode, in which apps mount development pages.
_DEBUG_VARIABLES = ("FLASK_DEBUG", "FLASK_ENV")


@contextmanager
def without_debug_variables() -> Iterator[list[str]]:
    """Build as a test run does, without the shell's debug switch; the conftest unsets it too."""
    saved = {name: os.environ.pop(name) for name in _DEBUG_VARIABLES if name in os.environ}
    try:
        yield sorted(saved)
    finally:
        os.environ.update(saved)


@dataclass(frozen=True)
class EnvSetting:
    """One variable the conftest sets before it imports the app, and why it has that value."""

    name: str
    value: str
    why: str

    @property
    def line(self) -> str:
        """The conftest's statement."""
        return f"os.environ.setdefault({self.name!r}, {self.value!r})"


@contextmanager
def recording_environment(root: Path) -> Iterator[dict[str, str | None]]:
    """Record the variables that code in root (or a settings library it calls) reads.

    A variable that was not set is recorded as None: the app fell back to its own default.
    """
    reads: dict[str, str | None] = {}
    root_text = str(root.resolve())
    original = os._Environ.__getitem__

    def getitem(self: Any, key: Any) -> Any:
        fresh = self is os.environ and isinstance(key, str) and key not in reads
        try:
            value = original(self, key)
        except KeyError:
            if fresh and _read_by_app(sys._getframe(1), root_text):
                reads[key] = None
            raise
        if fresh and _read_by_app(sys._getframe(1), root_text):
            reads[key] = value
        return value

    os._Environ.__getitem__ = getitem  # type: ignore[method-assign]
    try:
        yield reads
    finally:
        os._Environ.__getitem__ = original  # type: ignore[method-assign]


def _read_by_app(frame: Any, root: str) -> bool:
    """True when the nearest caller outside the standard library is the app or a settings reader."""
    while frame is not None:
        filename = frame.f_code.co_filename
        outside = "site-packages" in filename or "dist-packages" in filename
        # os and _collections_abc are frozen modules: their frames say "<frozen os>".
        stdlib = filename.startswith((_STDLIB, "<frozen "))
        if not stdlib or outside:
            module = str(frame.f_globals.get("__name__", "")).partition(".")[0]
            if module in _SETTINGS_LIBRARIES:
                return True
            return filename.startswith(root + os.sep) and not outside
        frame = frame.f_back
    return False


def conftest_environment(reads: dict[str, str | None]) -> list[EnvSetting]:
    """What the conftest sets: no real secret and no database of the user's, ever."""
    settings = []
    for name, value in sorted(reads.items()):
        if value is None or name in _IGNORED or name.startswith(_IGNORED_PREFIXES):
            continue
        settings.append(_setting(name, value))
    return settings


def _setting(name: str, value: str) -> EnvSetting:
    url = _url(value)
    if url is not None and url.get_backend_name() in _DATABASES:
        # The plugin points the app at the test database; this only lets the import succeed.
        return EnvSetting(name, "sqlite://", "in-memory SQLite; the test database replaces it")
    if _SECRET.search(name.upper()):
        secret = _TEST_SECRET.format(name=name.lower().replace("_", "-"))
        return EnvSetting(name, secret, "a test value")
    if url is not None and url.password:
        safe = url.set(password="test").render_as_string(hide_password=False)
        return EnvSetting(name, safe, "its password replaced")
    return EnvSetting(name, value, "the value it had when init ran")


def _url(value: str) -> Any:
    if "://" not in value:
        return None
    try:
        return make_url(value)
    except (ArgumentError, ValueError):
        return None
