"""Database models."""

from __future__ import annotations

from app.models.user import ROLES, User

__all__ = ["ROLES", "User"]
