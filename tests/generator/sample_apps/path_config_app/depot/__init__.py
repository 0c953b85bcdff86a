"""An app whose config joins an environment default with `/`: a str from the environment breaks it.

With DEPOT_VAR_DIR set, `DEPOT_VAR_DIR / "cache.txt"` is str / str, so the conftest cannot point
the folder elsewhere through the environment; the app writes into its tree as it starts.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort

HERE = Path(__file__).resolve().parent


class Config:
    DEPOT_VAR_DIR = os.getenv("DEPOT_VAR_DIR", HERE / "var")
    DEPOT_CACHE_FILE = DEPOT_VAR_DIR / "cache.txt"


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.from_object(Config)
    os.makedirs(app.config["DEPOT_VAR_DIR"], exist_ok=True)
    Path(app.config["DEPOT_CACHE_FILE"]).write_text("warm")

    @app.get("/crates/<int:number>")
    def crate(number: int) -> dict[str, int]:
        if number > 3:
            abort(404)
        return {"number": number}

    return app
