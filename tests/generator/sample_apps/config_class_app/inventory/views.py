from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from .extensions import db
from .models import Category, Item

bp = Blueprint("items", __name__, url_prefix="/api")


@bp.get("/categories")
def list_categories():
    categories = db.session.scalars(db.select(Category).order_by(Category.name)).all()
    return jsonify(categories=[{"id": c.id, "name": c.name} for c in categories])


@bp.get("/categories/<int:category_id>/items")
def category_items(category_id: int):
    category = db.get_or_404(Category, category_id)
    return jsonify(items=[item.to_dict() for item in category.items])


@bp.get("/items/<int:item_id>")
def get_item(item_id: int):
    item = db.get_or_404(Item, item_id)
    return jsonify(item=item.to_dict())


@bp.patch("/items/<int:item_id>")
def update_stock(item_id: int):
    item = db.get_or_404(Item, item_id)
    data = request.get_json(silent=True) or {}
    quantity = data.get("quantity")
    if not isinstance(quantity, int) or quantity < 0:
        abort(400, description="quantity must be a non-negative integer")
    item.quantity = quantity
    db.session.commit()
    return jsonify(item=item.to_dict())
