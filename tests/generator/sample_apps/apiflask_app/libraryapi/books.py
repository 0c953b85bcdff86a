from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.views import MethodView

from .extensions import db, token_auth
from .models import Book
from .schemas import BookIn, BookOut, BookQuery

bp = APIBlueprint("books", __name__, url_prefix="/books", tag="Books")


class BookList(MethodView):
    @bp.input(BookQuery, location="query")
    @bp.output(BookOut(many=True))
    def get(self, query_data: dict[str, int]):
        query = db.select(Book).order_by(Book.id)
        if "author_id" in query_data:
            query = query.filter_by(author_id=query_data["author_id"])
        return db.paginate(
            query, page=query_data["page"], per_page=query_data["per_page"], error_out=False
        ).items


class BookItem(MethodView):
    @bp.output(BookOut)
    def get(self, book_id: int):
        return db.get_or_404(Book, book_id)

    @bp.auth_required(token_auth)
    @bp.input(BookIn)
    @bp.output(BookOut)
    def put(self, book_id: int, json_data: dict[str, Any]):
        book = db.get_or_404(Book, book_id)
        book.title = json_data["title"]
        book.published_year = json_data.get("published_year")
        db.session.commit()
        return book

    @bp.auth_required(token_auth)
    @bp.output({}, status_code=204)
    def delete(self, book_id: int):
        db.session.delete(db.get_or_404(Book, book_id))
        db.session.commit()
        return ""


bp.add_url_rule("", view_func=BookList.as_view("book_list"))
bp.add_url_rule("/<int:book_id>", view_func=BookItem.as_view("book"))
