from __future__ import annotations

from flask import current_app as app
from flask import request

from .extensions import db
from .models import Notice


@app.get("/notices")
def list_notices() -> list[dict[str, object]]:
    notices = db.session.scalars(db.select(Notice).order_by(Notice.id))
    return [{"id": notice.id, "title": notice.title} for notice in notices]


@app.get("/notices/<int:notice_id>")
def get_notice(notice_id: int) -> dict[str, object]:
    notice = db.get_or_404(Notice, notice_id)
    return {"id": notice.id, "title": notice.title}


@app.post("/notices")
def create_notice() -> tuple[dict[str, object], int]:
    data = request.get_json(silent=True) or {}
    title = data.get("title")
    if not isinstance(title, str) or not title:
        return {"error": "title is required"}, 422
    notice = Notice(title=title)
    db.session.add(notice)
    db.session.commit()
    return {"id": notice.id, "title": notice.title}, 201
