"""The baseline for the throughput benchmark: Flask answering one small JSON body, nothing else."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping() -> dict[str, bool]:
    """Answer at once, with no database, validation or authentication."""
    return {"ok": True}
