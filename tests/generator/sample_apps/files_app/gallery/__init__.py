"""An app that writes beside its code as it starts and as it is used: logs, uploads, an index."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path

from flask import Flask, abort, request
from werkzeug.utils import secure_filename

HERE = Path(__file__).resolve().parent


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        UPLOAD_FOLDER=str(HERE / "uploads"),
        # A Path, as many apps keep it: the views join it with `/`, which a str would break.
        SEARCH_INDEX_DIR=HERE / "index",
        AUDIT_LOG_FILE=str(HERE / "audit.log"),
        AVATAR_FOLDER=str(HERE / "avatars"),  # kept in the project, written on a request
        CAPTIONS_FILE=str(HERE / "data" / "captions.json"),  # data the app only reads
    )
    os.makedirs(app.instance_path, exist_ok=True)
    for key in ("UPLOAD_FOLDER", "SEARCH_INDEX_DIR"):
        os.makedirs(app.config[key], exist_ok=True)
    handler = logging.FileHandler(HERE / "gallery.log")
    app.logger.addHandler(handler)
    app.logger.warning("gallery starting")
    # A cache database made at startup, in the instance folder.
    with sqlite3.connect(Path(app.instance_path) / "cache.sqlite") as cache:
        cache.execute("CREATE TABLE IF NOT EXISTS hits (name TEXT)")

    @app.get("/pictures")
    def list_pictures() -> dict[str, list[str]]:
        return {"pictures": sorted(os.listdir(app.config["UPLOAD_FOLDER"]))}

    @app.post("/pictures")
    def upload() -> tuple[dict[str, str], int]:
        name = secure_filename(str((request.get_json(silent=True) or {}).get("name") or ""))
        if not name:
            abort(400)
        folder = Path(app.config["UPLOAD_FOLDER"])
        if (folder / name).exists():
            return {"error": "exists"}, 409
        (folder / name).write_text("picture")
        (app.config["SEARCH_INDEX_DIR"] / name).write_text("indexed")
        with open(app.config["AUDIT_LOG_FILE"], "a") as log:
            log.write(f"uploaded {name}\n")
        return {"name": name}, 201

    @app.get("/captions/<name>")
    def caption(name: str) -> dict[str, str]:
        captions = json.loads(Path(app.config["CAPTIONS_FILE"]).read_text())
        if name not in captions:
            abort(404)
        return {"name": name, "caption": captions[name]}

    @app.put("/avatars/<name>")
    def set_avatar(name: str) -> tuple[dict[str, str], int]:
        safe = secure_filename(name)
        if not safe:
            abort(400)
        (Path(app.config["AVATAR_FOLDER"]) / f"{safe}.png").write_bytes(request.get_data())
        return {"avatar": f"{safe}.png"}, 201

    return app
