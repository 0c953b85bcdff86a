from __future__ import annotations

import datetime as dt

from flask import Blueprint, jsonify, request

from .db import Author, Book, Tag, db

bp = Blueprint("books", __name__, url_prefix="/books")


@bp.get("/")
def index():
    books = db.session.scalars(db.select(Book).order_by(Book.title)).all()
    return jsonify(books=[book.to_dict() for book in books])


@bp.get("/<int:book_id>")
def show(book_id: int):
    return jsonify(book=db.get_or_404(Book, book_id).to_dict())


@bp.post("/<int:book_id>/tags")
def add_tag(book_id: int):
    book = db.get_or_404(Book, book_id)
    label = (request.get_json(silent=True) or {}).get("label")
    if not label:
        return jsonify(errors={"label": "required"}), 422
    book.tags.append(Tag(label))
    db.session.commit()
    return jsonify(book=book.to_dict()), 201


@bp.get("/authors/<int:author_id>")
def author(author_id: int):
    found = db.get_or_404(Author, author_id)
    return jsonify(author={"name": found.name, "books": len(found.books)})


@bp.get("/published/<int:year>")
def published_in(year: int):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    books = db.session.scalars(db.select(Book).where(Book.published_on.between(start, end))).all()
    return jsonify(books=[book.title for book in books])
