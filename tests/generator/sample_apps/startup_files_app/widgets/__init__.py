"""An app that writes files as it starts and as it is used, the ways real apps do.

- its log, at a path from the environment, beside its code by default;
- a marker file relative to the working directory, as it starts;
- a search index relative to the working directory, made as it starts, written on a request;
- a tally store that writes each count as a new generation and takes the old one away, with the
  generation it wrote last kept in memory, as a search library keeps its open index.
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
    # Made as it starts, written to on requests: the same relative path, later.
    os.makedirs(app.config["WIDGETS_INDEX"], exist_ok=True)
    os.makedirs("tallies", exist_ok=True)
    Path("tallies", "generation-0").write_text("0")
    app.extensions["tally_generation"] = 0

    def tally() -> int:
        generation = app.extensions["tally_generation"]
        # Raises when the generation it wrote last is gone: the store cannot be read.
        return int(Path("tallies", f"generation-{generation}").read_text())

    @app.get("/tallies")
    def count() -> dict[str, int]:
        tally()
        return {"generations": len(os.listdir("tallies"))}

    @app.post("/tallies")
    def add_one() -> tuple[dict[str, int], int]:
        generation = app.extensions["tally_generation"]
        total = tally() + 1
        Path("tallies", f"generation-{generation + 1}").write_text(str(total))
        Path("tallies", f"generation-{generation}").unlink()
        app.extensions["tally_generation"] = generation + 1
        return {"count": total}, 201

    @app.get("/widgets")
    def search() -> dict[str, list[str]]:
        # The folder it made as it started, by the same relative path.
        return {"widgets": sorted(p.name for p in Path(app.config["WIDGETS_INDEX"]).iterdir())}

    @app.post("/widgets")
    def add() -> tuple[dict[str, str], int]:
        name = str((request.get_json(silent=True) or {}).get("name") or "")
        if not name.isidentifier():
            abort(400)
        (Path(app.config["WIDGETS_INDEX"]) / name).write_text(name)
        return {"name": name}, 201

    return app
