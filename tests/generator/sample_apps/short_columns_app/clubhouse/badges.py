import uuid

from flask import Blueprint, jsonify, request

from clubhouse.extensions import db
from clubhouse.models import Badge

bp = Blueprint("badges", __name__, url_prefix="/badges")


@bp.get("/")
def index():
    return jsonify([badge.as_dict() for badge in db.session.scalars(db.select(Badge))])


@bp.post("/")
def create():
    data = request.get_json(silent=True) or {}
    label = str(data.get("label", "")).strip()
    if not label:
        return jsonify(error="a badge needs a label"), 400
    badge = Badge(label=label[:20], code=f"{label[:20]}-{uuid.uuid4().hex}")
    db.session.add(badge)
    db.session.commit()
    return jsonify(badge.as_dict()), 201
