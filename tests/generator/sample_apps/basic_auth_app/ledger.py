"""A small ledger API protected by HTTP Basic authentication, checked by a decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///ledger.db"
db = SQLAlchemy(app)


class Account(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Entry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    amount_cents: Mapped[int]
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))


def basic_auth_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        auth = request.authorization
        account = None
        if auth is not None and auth.type == "basic":
            account = db.session.scalar(db.select(Account).filter_by(username=auth.username))
        if account is None or not account.check_password(auth.password or ""):
            return Response("Sign in first.", 401, {"WWW-Authenticate": 'Basic realm="ledger"'})
        g.account = account
        return view(*args, **kwargs)

    return wrapper


@app.get("/api/entries")
@basic_auth_required
def list_entries():
    entries = db.session.scalars(db.select(Entry).filter_by(account_id=g.account.id)).all()
    return jsonify(entries=[{"label": e.label, "amount_cents": e.amount_cents} for e in entries])


@app.post("/api/entries")
@basic_auth_required
def add_entry():
    data = request.get_json(silent=True) or {}
    if not isinstance(data.get("label"), str) or not isinstance(data.get("amount_cents"), int):
        return jsonify(error="label and amount_cents are required"), 400
    entry = Entry(label=data["label"], amount_cents=data["amount_cents"], account_id=g.account.id)
    db.session.add(entry)
    db.session.commit()
    return jsonify(id=entry.id), 201


@app.get("/api/balance")
@basic_auth_required
def balance():
    entries = db.session.scalars(db.select(Entry).filter_by(account_id=g.account.id)).all()
    return jsonify(balance_cents=sum(e.amount_cents for e in entries))
