from __future__ import annotations

import decimal

from flask import Blueprint, abort, jsonify, request

from .extensions import db
from .models import Finish, Maker, Stamp, Widget

bp = Blueprint("workshop", __name__, url_prefix="/api")


@bp.get("/makers")
def list_makers():
    makers = db.session.scalars(db.select(Maker).order_by(Maker.code)).all()
    return jsonify(makers=[maker.to_json() for maker in makers])


@bp.post("/makers")
def create_maker():
    data = request.get_json(silent=True) or {}
    code, name = data.get("code"), data.get("name")
    if not isinstance(code, str) or not isinstance(name, str):
        abort(400, description="code and name are required")
    maker = Maker(code=code, name=name)
    db.session.add(maker)
    db.session.commit()
    return jsonify(maker.to_json()), 201


@bp.get("/makers/<int:maker_id>/widgets")
def maker_widgets(maker_id: int):
    maker = db.get_or_404(Maker, maker_id)
    return jsonify(widgets=[widget.to_json() for widget in maker.widgets])


@bp.get("/widgets/<int:widget_id>")
def get_widget(widget_id: int):
    return jsonify(db.get_or_404(Widget, widget_id).to_json())


@bp.post("/widgets")
def create_widget():
    data = request.get_json(silent=True) or {}
    try:
        widget = Widget(
            label=data["label"],
            price=decimal.Decimal(str(data["price"])),
            finish=Finish(data["finish"]),
            weight_grams=data["weight_grams"],
            grade=data["grade"],
            maker_id=data["maker_id"],
        )
    except (KeyError, ValueError, decimal.InvalidOperation):
        abort(400, description="label, price, finish, weight_grams, grade and maker_id")
    if db.session.get(Maker, widget.maker_id) is None:
        abort(404, description="no such maker")
    db.session.add(widget)
    db.session.commit()
    return jsonify(widget.to_json()), 201


@bp.delete("/widgets/<int:widget_id>")
def delete_widget(widget_id: int):
    widget = db.get_or_404(Widget, widget_id)
    db.session.delete(widget)
    db.session.commit()
    return "", 204


@bp.post("/transfers")
def transfer_widget():
    data = request.get_json(silent=True) or {}
    widget = db.get_or_404(Widget, data.get("widgetId"))
    maker = db.get_or_404(Maker, data.get("makerId"))
    widget.maker = maker
    db.session.commit()
    return jsonify(widget.to_json())


@bp.get("/stamps/<int:stamp_id>")
def get_stamp(stamp_id: int):
    stamp = db.get_or_404(Stamp, stamp_id)
    return jsonify(stampId=stamp.stamp_id, token=stamp.token)
