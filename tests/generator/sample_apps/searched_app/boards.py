"""A kanban board whose branches only some requests reach.

A query value it compares with a constant, a label name it checks for before it adds one, a body
key that must not repeat the path's, a link that must exist before it is removed, a flag on the
row the URL names, a limit it clips, and a query it parses without checking.
"""

from __future__ import annotations

from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

card_labels = db.Table(
    "card_labels",
    db.Column("card_id", db.Integer, db.ForeignKey("cards.id"), primary_key=True),
    db.Column("label_id", db.Integer, db.ForeignKey("labels.id"), primary_key=True),
)


class Board(db.Model):
    __tablename__ = "boards"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)
    locked = db.Column(db.Boolean, nullable=False, default=False)


class Label(db.Model):
    __tablename__ = "labels"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), nullable=False)
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), nullable=False)
    board = db.relationship("Board")

    def json(self):
        return {"id": self.id, "name": self.name, "board_id": self.board_id}


class Card(db.Model):
    __tablename__ = "cards"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)
    archived = db.Column(db.Boolean, nullable=False, default=False)
    labels = db.relationship("Label", secondary=card_labels)

    def json(self):
        return {"id": self.id, "title": self.title, "labels": [x.name for x in self.labels]}


def create_app(config_name: str = "development") -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///:memory:"
    app.config["TESTING"] = config_name == "testing"
    db.init_app(app)

    @app.get("/cards")
    def list_cards():
        status = request.args.get("status")
        query = db.select(Card).order_by(Card.id)
        if status == "archived":
            cards = db.session.scalars(query.filter_by(archived=True)).all()
            return jsonify(status="archived", cards=[c.json() for c in cards])
        if status not in (None, "open"):
            abort(400, "status is open or archived")
        cards = db.session.scalars(query.filter_by(archived=False)).all()
        return jsonify(status="open", cards=[c.json() for c in cards])

    @app.get("/cards/window")
    def card_window():
        limit = int(request.args.get("limit", "10"))
        if limit > 50:
            limit = 50
        cards = db.session.scalars(db.select(Card).order_by(Card.id).limit(limit)).all()
        return jsonify(limit=limit, cards=[c.json() for c in cards])

    @app.get("/boards/<int:board_id>")
    def show_board(board_id):
        board = db.session.get(Board, board_id) or abort(404)
        if board.locked:
            return jsonify(error="this board is locked"), 423
        return jsonify(id=board.id, title=board.title)

    @app.post("/boards/<int:board_id>/labels")
    def add_label(board_id):
        db.session.get(Board, board_id) or abort(404)
        data = request.get_json()
        taken = db.session.scalars(
            db.select(Label).filter_by(board_id=board_id, name=data["name"])
        ).first()
        if taken is not None:
            abort(409, "the board has a label of that name")
        label = Label(**data, board_id=board_id)
        db.session.add(label)
        db.session.commit()
        return jsonify(label.json()), 201

    @app.delete("/cards/<int:card_id>/labels/<int:label_id>")
    def remove_label(card_id, label_id):
        card = db.session.get(Card, card_id) or abort(404)
        label = db.session.get(Label, label_id) or abort(404)
        card.labels.remove(label)
        db.session.commit()
        return jsonify(card.json())

    with app.app_context():
        db.create_all()
    return app
