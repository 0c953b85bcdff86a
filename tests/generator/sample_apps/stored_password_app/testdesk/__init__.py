"""A ticket API whose users keep a plain password column and sign in for a JWT.

The user model is `UserModel` (not `User`), it has no password setter, and the login view reads
its body through a marshmallow schema and compares the stored password itself.
"""

from __future__ import annotations

from hmac import compare_digest

from flask import Flask, jsonify, request
from flask_jwt_extended import JWTManager, create_access_token, get_jwt_identity, jwt_required
from flask_sqlalchemy import SQLAlchemy
from marshmallow import Schema, ValidationError, fields

db = SQLAlchemy()
jwt = JWTManager()


class UserModel(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    password = db.Column(db.String(80), nullable=False)
    is_admin = db.Column(db.Boolean, default=False)

    @classmethod
    def find_by_username(cls, username: str) -> UserModel | None:
        return cls.query.filter_by(username=username).first()


class TicketModel(db.Model):
    __tablename__ = "tickets"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)


class UserSchema(Schema):
    username = fields.Str(required=True)
    password = fields.Str(required=True)
    is_admin = fields.Bool(load_default=False)


user_schema = UserSchema()


def create_app(config_name: str = "default") -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///testdesk.db"
    app.config["JWT_SECRET_KEY"] = "a-secret-of-at-least-thirty-two-bytes"
    app.config["TESTING"] = config_name == "testing"
    db.init_app(app)
    jwt.init_app(app)

    @app.errorhandler(ValidationError)
    def invalid(error: ValidationError):
        return jsonify(error.messages), 400

    @app.post("/register")
    def register():
        data = user_schema.load(request.get_json())
        if UserModel.find_by_username(data["username"]):
            return {"message": "A user with that username already exists"}, 400
        db.session.add(UserModel(**data))
        db.session.commit()
        return {"message": "User created"}, 201

    @app.post("/login")
    def login():
        data = user_schema.load(request.get_json(), partial=("is_admin",))
        user = UserModel.find_by_username(data["username"])
        if user and compare_digest(user.password, data["password"]):
            return {"access_token": create_access_token(identity=str(user.id))}, 200
        return {"message": "Invalid credentials"}, 401

    @app.get("/tickets")
    @jwt_required()
    def list_tickets():
        tickets = db.session.scalars(db.select(TicketModel)).all()
        return {"tickets": [{"id": t.id, "title": t.title} for t in tickets]}

    @app.post("/tickets")
    @jwt_required()
    def create_ticket():
        data = request.get_json() or {}
        if not data.get("title"):
            return {"message": "title is required"}, 400
        ticket = TicketModel(title=data["title"], owner_id=int(get_jwt_identity()))
        db.session.add(ticket)
        db.session.commit()
        return {"id": ticket.id, "title": ticket.title}, 201

    @app.get("/tickets/<int:ticket_id>")
    @jwt_required()
    def get_ticket(ticket_id: int):
        ticket = db.session.get(TicketModel, ticket_id)
        if ticket is None:
            return {"message": "Ticket not found"}, 404
        return {"id": ticket.id, "title": ticket.title}

    return app
