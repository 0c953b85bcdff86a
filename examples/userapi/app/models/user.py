"""The user account table."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

ROLES = ("member", "admin")
# Ids fit a 32-bit INTEGER column; larger numbers from URLs or tokens cannot name a row.
MAX_USER_ID = 2**31 - 1


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo, the form both SQLite and PostgreSQL keep."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class User(db.Model):  # type: ignore[name-defined,misc]
    """A person who can sign in; emails are stored lower-cased to compare case-insensitively."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), default="member", server_default="member")
    # Accounts provisioned without a password exist but cannot sign in until one is set.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    # Callables, so every row gets its own time rather than the import time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def is_admin(self) -> bool:
        """Whether this user holds the admin role."""
        return self.role == "admin"
