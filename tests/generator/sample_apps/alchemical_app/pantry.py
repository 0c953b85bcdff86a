import os

import sqlalchemy as sa
from alchemical.flask import Alchemical
from flask import Flask, abort, jsonify, request
from sqlalchemy.orm import Mapped, mapped_column

db = Alchemical()


class Item(db.Model):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    quantity: Mapped[int] = mapped_column(default=0)

    def to_dict(self):
        return {"id": self.id, "name": self.name, "quantity": self.quantity}


def create_app():
    app = Flask(__name__)
    app.config["ALCHEMICAL_DATABASE_URL"] = os.environ.get("PANTRY_DB", "sqlite:///pantry.db")
    db.init_app(app)

    @app.get("/items")
    def list_items():
        return jsonify([item.to_dict() for item in db.session.scalars(Item.select())])

    @app.get("/items/<int:item_id>")
    def get_item(item_id):
        item = db.session.get(Item, item_id) or abort(404)
        return item.to_dict()

    @app.post("/items")
    def add_item():
        data = request.get_json(silent=True) or {}
        if not isinstance(data.get("name"), str):
            return {"error": "name is required"}, 400
        item = Item(name=data["name"], quantity=data.get("quantity", 0))
        db.session.add(item)
        db.session.commit()
        return item.to_dict(), 201

    @app.delete("/items/<int:item_id>")
    def remove_item(item_id):
        item = db.session.get(Item, item_id) or abort(404)
        db.session.delete(item)
        db.session.commit()
        return "", 204

    return app
