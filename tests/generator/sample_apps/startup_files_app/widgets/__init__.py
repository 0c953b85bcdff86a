"""An app that writes files as it starts and as it is used, the ways real apps do.

- its log, at a path from the environment, beside its code by default;
- a marker file relative to the working directory, as it starts;
- a search index relative to the working directory, on a request.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, abort, request

HERE = Path(__file__).resolve().parent


class Config:
    WIDGETS_LOG_PATH = os.getenv("WIDGETS_LOG_PATH", HERE / "logs" / "widgets.log")
    WIDGETS_INDEX = "search-index"


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.from_object(Config)
    handler = logging.FileHandler(app.config["WIDGETS_LOG_PATH"])
    app.logger.addHandler(handler)
    app.logger.warning("widgets starting")
    os.makedirs("var", exist_ok=True)
    Path("var", "started").write_text("yes")

    @app.get("/widgets")
    def search() -> dict[str, list[str]]:
        index = Path(app.config["WIDGETS_INDEX"])
        return {"widgets": sorted(p.name for p in index.iterdir()) if index.is_dir() else []}

    @app.post("/widgets")
    def add() -> tuple[dict[str, str], int]:
        name = str((request.get_json(silent=True) or {}).get("name") or "")
        if not name.isidentifier():
            abort(400)
        index = Path(app.config["WIDGETS_INDEX"])
        index.mkdir(exist_ok=True)
        (index / name).write_text(name)
        return {"name": name}, 201

    return app
