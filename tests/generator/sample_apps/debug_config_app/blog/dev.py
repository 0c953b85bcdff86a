from __future__ import annotations

from flask import Blueprint, current_app

dev = Blueprint("dev", __name__, url_prefix="/_dev")


@dev.get("/config")
def show_config() -> dict[str, str]:
    return {key: repr(value) for key, value in current_app.config.items()}
