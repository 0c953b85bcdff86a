"""A module-level app that makes its tables and a first row as it is imported, as tutorials do.

Its configured database is a file in the instance folder; a suite that imports it must never make
that file, nor fill it.
"""

from __future__ import annotations

from flask import Flask, abort
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Message(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    subject = db.Column(db.String(80), nullable=False)


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///inbox.db"
db.init_app(app)

with app.app_context():
    db.create_all()


@app.get("/messages/<int:message_id>")
def get_message(message_id: int) -> dict[str, object]:
    message = db.session.get(Message, message_id) or abort(404)
    return {"id": message.id, "subject": message.subject}
