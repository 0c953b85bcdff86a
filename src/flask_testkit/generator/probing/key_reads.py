"""The keys a request's handling looks up in its JSON, form, query, files, headers and session.

The parsed data is made to record each lookup (`data["name"]`, `.get("page")`, `"email" in
form`), wherever it happens: in the view, in a helper, in a model's `deserialize`, in a form
library. What was looked up and not sent is what the next request should send.
"""

from __future__ import annotations

from typing import Any

# Where the keys were read: what a test sends them as.
JSON, FORM, ARGS, FILES, HEADERS, SESSION = "json", "form", "args", "files", "headers", "session"
_BODY_HEADERS = frozenset(("content-type", "content-length", "transfer-encoding"))


class KeyReads:
    """Keys looked up, by where they were read, in the order first read."""

    def __init__(self) -> None:
        self.by_source: dict[str, dict[str, None]] = {}
        self.last: tuple[str, str] | None = None
        self.watching = False
        # Objects given a recording class, with the class they had: a session is saved, and
        # may be pickled, after the app's code is done with it.
        self.swapped: list[tuple[Any, type]] = []

    def add(self, source: str, key: Any) -> None:
        """Record one lookup, while the app's own code runs."""
        if self.watching and isinstance(key, str):
            if source == HEADERS and key.lower() in _BODY_HEADERS:
                return  # read by Werkzeug to parse the body the app asked for
            self.by_source.setdefault(source, {})[key] = None
            # The key read last is the likeliest reason a request that failed did so.
            self.last = (source, key)

    def restore(self) -> None:
        """Give every object its own class back."""
        for value, original in reversed(self.swapped):
            value.__class__ = original
            value.__dict__.pop("_ftk_keys", None)
        self.swapped.clear()

    def as_lists(self) -> dict[str, list[str]]:
        """source -> keys, in the order they were first read."""
        return {source: list(keys) for source, keys in self.by_source.items()}


class _Recording:
    """Mixin for the mappings a request hands out: each lookup by key is recorded.

    Every method passes on whatever it is given: Werkzeug's own signatures differ between
    versions (3.0's `Headers.__getitem__` takes `_get_mode`), and the app must not notice. A
    call the mapping refuses as the recording made it is marked, so that the app is probed
    without recording instead (see `raised_by_recording`).
    """

    _ftk_keys: tuple[KeyReads, str] | None = None

    def _ftk_call(self, name: str, key: Any, args: Any, kwargs: Any) -> Any:
        recorder = self.__dict__.get("_ftk_keys")
        if recorder is not None:
            recorder[0].add(recorder[1], key)
        method = getattr(super(), name)
        try:
            return method(key, *args, **kwargs)
        except TypeError as error:
            # Raised by the call itself, not from inside the mapping: a signature it lacks.
            if error.__traceback__ is not None and error.__traceback__.tb_next is None:
                error.flask_testkit_recording = True  # type: ignore[attr-defined]
            raise

    def __getitem__(self, key: Any, *args: Any, **kwargs: Any) -> Any:
        return self._ftk_call("__getitem__", key, args, kwargs)

    def __contains__(self, key: object) -> bool:
        return bool(self._ftk_call("__contains__", key, (), {}))

    def get(self, key: Any, *args: Any, **kwargs: Any) -> Any:
        return self._ftk_call("get", key, args, kwargs)

    def getlist(self, key: Any, *args: Any, **kwargs: Any) -> Any:
        return self._ftk_call("getlist", key, args, kwargs)

    def pop(self, key: Any, *args: Any, **kwargs: Any) -> Any:
        return self._ftk_call("pop", key, args, kwargs)

    def setdefault(self, key: Any, *args: Any, **kwargs: Any) -> Any:
        return self._ftk_call("setdefault", key, args, kwargs)


class _RecordingDict(_Recording, dict):  # type: ignore[type-arg]
    """A parsed JSON object that records the keys read from it."""


_CLASSES: dict[type, type] = {}


def _recording_class(cls: type) -> type:
    if cls not in _CLASSES:
        _CLASSES[cls] = type("Recording" + cls.__name__, (_Recording, cls), {})
    return _CLASSES[cls]


def record_lookups(value: Any, reads: KeyReads, source: str) -> Any:
    """value, recording the keys looked up in it until `reads.restore()`; itself if it can."""
    if isinstance(value, _Recording):
        return value
    if type(value) is dict:
        # A plain dict cannot change class: the view gets an equal copy, held in the cache.
        recorded: Any = _RecordingDict(value)
    elif hasattr(value, "__dict__") and hasattr(value, "__getitem__"):
        original = type(value)
        try:
            # The same object, so that what the app keeps of it (a form's data) is unchanged.
            value.__class__ = _recording_class(original)
        except TypeError:
            return value
        reads.swapped.append((value, original))
        recorded = value
    else:
        return value
    recorded.__dict__["_ftk_keys"] = (reads, source)
    return recorded
