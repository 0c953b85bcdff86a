"""Guards around one probe: a time limit, and no network beyond this machine."""

from __future__ import annotations

import ipaddress
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlocked(OSError):
    """Raised inside a probe that tries to reach another machine."""


class ProbeTimeout(Exception):
    """Raised inside a probe that runs longer than its time limit."""


@dataclass
class GuardReport:
    """What the guarded code tried to do."""

    network_targets: list[str] = field(default_factory=list)
    timed_out: bool = False


def _is_local(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # unix sockets and raw addresses given as bytes stay on the machine
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def guarded(timeout: float) -> Iterator[GuardReport]:
    """Run the block with remote connections refused and a time limit (main thread only)."""
    report = GuardReport()
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def refuse(host: Any) -> None:
        report.network_targets.append(str(host))
        raise NetworkBlocked(f"network access to {host} is blocked while probing")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            refuse(address[0])
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            refuse(address[0])
        return original_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_local(host if isinstance(host, str) else host.decode()):
            refuse(host)
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
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
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = original_getaddrinfo
