"""Guards around `init`: no socket but the test database's, and a time limit for each probe."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# What usually listens on a port, to name the service a blocked probe needed.
_SERVICES = {
    25: "smtp",
    465: "smtp",
    587: "smtp",
    1025: "smtp",
    2525: "smtp",
    3306: "mysql",
    5432: "postgresql",
    5672: "amqp",
    6379: "redis",
    9200: "elasticsearch",
    11211: "memcached",
    27017: "mongodb",
    80: "http",
    443: "https",
    8080: "http",
}
_INET = (socket.AF_INET, socket.AF_INET6)


class NetworkBlocked(OSError):
    """Raised inside `init` when the app opens a socket other than the test database's."""


class ProbeTimeout(Exception):
    """Raised inside a probe that runs longer than its time limit."""


@dataclass
class GuardReport:
    """What the guarded code tried to do."""

    network_targets: list[str] = field(default_factory=list)
    timed_out: bool = False


@dataclass(frozen=True)
class Allowed:
    """The addresses a probe may reach: the test database's host and port, or its unix socket."""

    hosts: frozenset[tuple[str, int | None]] = frozenset()
    unix_paths: frozenset[str] = frozenset()

    def permits(self, family: int, address: Any) -> bool:
        """True when a connection to address is the test database's own."""
        if family == getattr(socket, "AF_UNIX", None):
            path = address.decode() if isinstance(address, bytes) else str(address)
            folders = (f"{ok.rstrip('/')}/" for ok in self.unix_paths)
            return path in self.unix_paths or any(path.startswith(f) for f in folders)
        host, port = str(address[0]).lower(), address[1]
        return (host, port) in self.hosts or (host, None) in self.hosts

    def resolves(self, host: str) -> bool:
        """True when a name may be looked up: the test database's host."""
        return any(host.lower() == allowed for allowed, _ in self.hosts)


def describe(family: int, address: Any) -> str:
    """A connection as the summary names it, e.g. `redis at 127.0.0.1:6379`."""
    if family == getattr(socket, "AF_UNIX", None):
        path = address.decode() if isinstance(address, bytes) else str(address)
        return f"a unix socket at {path}"
    host, port = address[0], address[1]
    service = _SERVICES.get(port)
    if service is None:
        try:
            service = socket.getservbyport(port)
        except (OSError, OverflowError, TypeError):
            service = "a service"
    return f"{service} at {host}:{port}"


class _Guard:
    """Patches socket so that every connection but the allowed ones raises and is recorded."""

    def __init__(self, allowed: Allowed) -> None:
        self.allowed = allowed
        self.attempts: list[str] = []

    def refuse(self, target: str) -> None:
        self.attempts.append(target)
        raise NetworkBlocked(f"{target}: sockets are blocked while flask-testkit probes the app")

    def check(self, sock: socket.socket, address: Any) -> None:
        watched = sock.family in _INET or sock.family == getattr(socket, "AF_UNIX", None)
        if watched and not self.allowed.permits(sock.family, address):
            self.refuse(describe(sock.family, address))


_active: list[_Guard] = []


@contextmanager
def network_blocked(allowed: Allowed | None = None) -> Iterator[list[str]]:
    """Refuse every socket connection but `allowed`, loopback included; yield the attempts."""
    guard = _Guard(allowed or Allowed())
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_sendto = socket.socket.sendto
    original_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        guard.check(self, address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard.check(self, address)
        return original_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        # A UDP datagram (statsd, syslog) needs no connect(); its address is the last argument.
        guard.check(self, args[-1])
        return original_sendto(self, data, *args)

    def getaddrinfo(host: Any, port: Any = None, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not guard.allowed.resolves(str(name)):
            guard.refuse(describe(socket.AF_INET, (name, port)))
        return original_getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    _active.append(guard)
    try:
        yield guard.attempts
    finally:
        _active.remove(guard)
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = original_sendto  # type: ignore[method-assign]
        socket.getaddrinfo = original_getaddrinfo


@contextmanager
def guarded(timeout: float) -> Iterator[GuardReport]:
    """One probe: sockets refused (inside `init`'s own guard, or a new one) and a time limit."""
    report = GuardReport()
    with _network_guard() as attempts:
        start = len(attempts)
        use_alarm = threading.current_thread() is threading.main_thread() and timeout > 0

        def on_alarm(signum: int, frame: Any) -> None:
            report.timed_out = True
            raise ProbeTimeout(f"the request took longer than {timeout:g}s")

        previous = signal.signal(signal.SIGALRM, on_alarm) if use_alarm else None
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            yield report
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            report.network_targets = attempts[start:]


@contextmanager
def _network_guard() -> Iterator[list[str]]:
    if _active:
        yield _active[-1].attempts
    else:
        with network_blocked() as attempts:
            yield attempts
