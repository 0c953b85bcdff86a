"""A module-level app that logs to a file relative to the working directory, unless in debug mode.

A developer's shell (or .flaskenv) sets FLASK_DEBUG; a test run, without it, writes the log.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, abort


def create_app() -> Flask:
    app = Flask(__name__)
    if not app.debug and not app.testing:
        os.makedirs("logs", exist_ok=True)
        app.logger.addHandler(logging.FileHandler("logs/logbook.log"))
        app.logger.warning("logbook starting")

    @app.get("/entries/<int:number>")
    def entry(number: int) -> dict[str, int]:
        if number > 10:
            abort(404)
        return {"number": number}

    return app


app = create_app()
