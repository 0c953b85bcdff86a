from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from .extensions import db, token_auth
from .models import Author, Book
from .schemas import AuthorIn, AuthorOut, BookIn, BookOut, PageQuery

bp = APIBlueprint("authors", __name__, url_prefix="/authors", tag="Authors")


@bp.get("")
@bp.input(PageQuery, location="query")
@bp.output(AuthorOut(many=True))
def list_authors(query_data: dict[str, int]):
    return db.paginate(
        db.select(Author).order_by(Author.name),
        page=query_data["page"],
        per_page=query_data["per_page"],
        error_out=False,
    ).items


@bp.post("")
@bp.auth_required(token_auth)
@bp.input(AuthorIn)
@bp.output(AuthorOut, status_code=201)
def create_author(json_data: dict[str, Any]):
    author = Author(**json_data)
    db.session.add(author)
    db.session.commit()
    return author


@bp.get("/<int:author_id>")
@bp.output(AuthorOut)
def get_author(author_id: int):
    return db.get_or_404(Author, author_id)


@bp.patch("/<int:author_id>")
@bp.auth_required(token_auth)
@bp.input(AuthorIn(partial=True))
@bp.output(AuthorOut)
def update_author(author_id: int, json_data: dict[str, Any]):
    author = db.get_or_404(Author, author_id)
    for field, value in json_data.items():
        setattr(author, field, value)
    db.session.commit()
    return author


@bp.delete("/<int:author_id>")
@bp.auth_required(token_auth)
@bp.output({}, status_code=204)
def delete_author(author_id: int):
    db.session.delete(db.get_or_404(Author, author_id))
    db.session.commit()
    return ""


@bp.get("/<int:author_id>/books")
@bp.output(BookOut(many=True))
def list_author_books(author_id: int):
    return db.get_or_404(Author, author_id).books


@bp.post("/<int:author_id>/books")
@bp.auth_required(token_auth)
@bp.input(BookIn)
@bp.output(BookOut, status_code=201)
def add_book(author_id: int, json_data: dict[str, Any]):
    author = db.get_or_404(Author, author_id)
    book = Book(author=author, **json_data)
    db.session.add(book)
    db.session.commit()
    return book
