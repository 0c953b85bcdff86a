"""A small users API, built by an app factory as the "Testing Flask" guide's apps are."""

from flask import Flask, abort, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, nullable=False)
    name = db.Column(db.String(80), nullable=False)

    def to_dict(self):
        return {"id": self.id, "email": self.email, "name": self.name}


CONFIGS = {
    "development": {"SQLALCHEMY_DATABASE_URI": "sqlite:///users.db"},
    "testing": {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"},
}


def create_app(config_name="development"):
    app = Flask(__name__)
    app.config.update(CONFIGS[config_name])
    db.init_app(app)

    @app.post("/users")
    def create_user():
        body = request.get_json(silent=True) or {}
        email, name = body.get("email"), body.get("name")
        if not isinstance(email, str) or not isinstance(name, str):
            return {"error": "email and name are required"}, 400
        if db.session.scalar(db.select(User).filter_by(email=email)) is not None:
            return {"error": "email already registered"}, 409
        user = User(email=email, name=name)
        db.session.add(user)
        db.session.commit()
        return user.to_dict(), 201

    @app.get("/users/<int:user_id>")
    def get_user(user_id):
        user = db.session.get(User, user_id)
        if user is None:
            abort(404)
        return user.to_dict()

    return app
