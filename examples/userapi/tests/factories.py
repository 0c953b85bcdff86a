"""Factory Boy factories; bound to the app's scoped `db.session`, as the guide binds them."""

from __future__ import annotations

import factory

from app.extensions import db
from app.models.user import User
from app.passwords import hash_password


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    """A member with a Faker name and a unique email; pass `password=` to let them log in."""

    class Meta:
        model = User
        sqlalchemy_session = db.session
        sqlalchemy_session_persistence = "flush"

    class Params:
        password = None

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = "member"
    password_hash = factory.LazyAttribute(
        lambda user: hash_password(user.password) if user.password else None
    )
