from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length, Range


class LoginIn(Schema):
    username = String(required=True, validate=Length(min=1, max=64))
    password = String(required=True)


class TokenOut(Schema):
    access_token = String()
    token_type = String()


class UserOut(Schema):
    id = Integer()
    username = String()


class PageQuery(Schema):
    page = Integer(load_default=1, validate=Range(min=1))
    per_page = Integer(load_default=20, validate=Range(min=1, max=100))


class AuthorIn(Schema):
    name = String(required=True, validate=Length(min=1, max=120))
    bio = String(validate=Length(max=2000))


class AuthorOut(Schema):
    id = Integer()
    name = String()
    bio = String()


class BookIn(Schema):
    title = String(required=True, validate=Length(min=1, max=200))
    published_year = Integer(validate=Range(min=1450, max=2100))


class BookOut(Schema):
    id = Integer()
    title = String()
    published_year = Integer()
    author_id = Integer()


class BookQuery(PageQuery):
    author_id = Integer()
