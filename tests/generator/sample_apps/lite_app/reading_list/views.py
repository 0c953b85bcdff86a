import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from .extensions import db
from .models import Author, Book

bp = Blueprint("books", __name__, url_prefix="/api")


@bp.get("/books")
def list_books():
    books = db.session.scalars(sa.select(Book).order_by(Book.id))
    return jsonify([book.to_dict() for book in books])


@bp.get("/books/<int:book_id>")
def get_book(book_id):
    return db.get_or_abort(Book, book_id).to_dict()


@bp.post("/books")
def create_book():
    data = request.get_json(silent=True) or {}
    if not isinstance(data.get("title"), str) or not isinstance(data.get("pages"), int):
        return {"error": "title and pages are required"}, 400
    author = db.session.get(Author, data.get("author_id"))
    if author is None:
        return {"error": "unknown author"}, 422
    book = Book(title=data["title"], pages=data["pages"], author=author)
    db.session.add(book)
    db.session.commit()
    return book.to_dict(), 201


@bp.delete("/books/<int:book_id>")
def delete_book(book_id):
    book = db.get_or_abort(Book, book_id)
    db.session.delete(book)
    db.session.commit()
    return "", 204


@bp.get("/authors/<int:author_id>")
def get_author(author_id):
    author = db.get_or_abort(Author, author_id)
    return {"id": author.id, "name": author.name, "books": len(author.books)}
