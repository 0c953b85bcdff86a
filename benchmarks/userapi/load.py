"""Throughput helpers: a scratch database, gunicorn on loopback, and a bounded client."""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

HOST = "127.0.0.1"
SEEDED_USERS = 200
LOGIN = {"email": "bench@example.com", "password": "benchmark-password"}


@contextmanager
def bench_database(url: str) -> Iterator[str]:
    """Create the PostgreSQL database named by `url` afresh, yield `url`, drop it afterwards."""
    parsed = make_url(url)
    name = parsed.database
    server = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)

    def admin(statement: str) -> None:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(statement)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_users(database_url: str, env: dict[str, str]) -> int:
    """Migrate the database and add SEEDED_USERS users, one of whom can log in; return its id."""
    import flask_migrate
    from sqlalchemy import insert

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from app import create_app
        from app.extensions import db
        from app.models.user import User
        from app.passwords import hash_password

        app = create_app("production", {"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            flask_migrate.upgrade()
            rows = [
                {"email": f"user{n}@example.com", "name": f"User {n}", "role": "member"}
                for n in range(SEEDED_USERS - 1)
            ]
            db.session.execute(insert(User), rows)
            user = User(
                email=LOGIN["email"], name="Bench", password_hash=hash_password(LOGIN["password"])
            )
            db.session.add(user)
            db.session.commit()
            user_id = user.id
            db.engine.dispose()
        return user_id
    finally:
        os.environ.clear()
        os.environ.update(saved)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(target: str, directory: Path, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serve `target` with gunicorn sync workers on loopback; yield its base URL; stop it."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{HOST}:{port}",
        "--log-level", "warning", target,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=directory, env={**os.environ, **env})
    try:
        _wait_until_listening(port, process)
        yield f"{HOST}:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(
                f"gunicorn exited with status {process.returncode}; run it by hand to see why."
            )
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    sys.exit(f"gunicorn did not listen on port {port} within 30 s.")


def _request(base_url: str, method: str, path: str, headers: dict[str, str], body: Any) -> float:
    host, port = base_url.split(":")
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    payload = None if body is None else json.dumps(body)
    sent = {**headers, "Content-Type": "application/json"} if body is not None else headers
    connection.request(method, path, body=payload, headers=sent)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status >= 500:
        raise RuntimeError(f"{method} {path} answered {response.status}")
    return time.perf_counter() - started


def login_token(base_url: str) -> str:
    """Log the seeded user in and return the access token."""
    host, port = base_url.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request(
        "POST", "/api/v1/auth/login", json.dumps(LOGIN), {"Content-Type": "application/json"}
    )
    token = json.loads(connection.getresponse().read())["data"]["access_token"]
    connection.close()
    return str(token)


def drive(
    base_url: str,
    path: str,
    count: int,
    concurrency: int,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    """Send `count` requests, `concurrency` at a time; return throughput and latency figures."""
    method, body = ("GET", None)
    if path == "login":
        method, path, body = "POST", "/api/v1/auth/login", LOGIN
    sent = headers or {}
    # A short warm-up, so that import and connection-pool costs are not counted.
    for _ in range(min(count, 20)):
        _request(base_url, method, path, sent, body)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = list(
            pool.map(lambda _: _request(base_url, method, path, sent, body), range(count))
        )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": count,
        "rps": count / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }
