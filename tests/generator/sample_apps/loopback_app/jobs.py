"""An app whose endpoints hand work to services on this machine: a TCP queue and a unix socket."""

from __future__ import annotations

import os
import socket

from flask import Flask

app = Flask(__name__)
QUEUE_PORT = int(os.environ.get("QUEUE_PORT", "6379"))
MAIL_SOCKET = os.environ.get("MAIL_SOCKET", "/run/mailer.sock")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/jobs")
def enqueue() -> tuple[dict[str, bool], int]:
    with socket.create_connection(("127.0.0.1", QUEUE_PORT), timeout=1) as connection:
        connection.sendall(b"job\n")
    return {"queued": True}, 202


@app.post("/mail")
def send_mail() -> tuple[dict[str, bool], int]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(MAIL_SOCKET)
        connection.sendall(b"mail\n")
    return {"sent": True}, 202
