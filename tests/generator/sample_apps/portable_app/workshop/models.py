from __future__ import annotations

import datetime as dt
import decimal
import enum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .extensions import db


class Finish(enum.Enum):
    MATTE = "matte"
    GLOSS = "gloss"


class Maker(db.Model):
    maker_id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(12))
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    widgets: Mapped[list[Widget]] = relationship(back_populates="maker")

    @validates("code")
    def check_code(self, key: str, value: str) -> str:
        if len(value) < 4 or not value.isalnum():
            raise ValueError("a maker code is 4 to 6 letters or digits")
        return value.upper()

    def to_json(self) -> dict[str, object]:
        return {
            "makerId": self.maker_id,
            "code": self.code,
            "name": self.name,
            "joinedAt": self.joined_at.isoformat(),
        }


class Widget(db.Model):
    __table_args__ = (
        CheckConstraint("weight_grams BETWEEN 10 AND 90", name="weight_in_range"),
        CheckConstraint("length(label) >= 3", name="label_long_enough"),
    )

    widget_id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(10))
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(5, 2))
    finish: Mapped[Finish]
    weight_grams: Mapped[int]
    grade: Mapped[str] = mapped_column(String(1))
    maker_id: Mapped[int] = mapped_column(ForeignKey("maker.maker_id"))
    maker: Mapped[Maker] = relationship(back_populates="widgets")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())

    @validates("grade")
    def check_grade(self, key: str, value: str) -> str:
        if value not in ("A", "B", "C"):
            raise ValueError(f"unknown grade {value!r}")
        return value

    def to_json(self) -> dict[str, object]:
        return {
            "widgetId": self.widget_id,
            "label": self.label,
            "price": str(self.price),
            "finish": self.finish.value,
            "weightGrams": self.weight_grams,
            "grade": self.grade,
            "makerId": self.maker_id,
            "createdAt": self.created_at.isoformat(),
        }


class Stamp(db.Model):
    stamp_id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(8))

    @validates("token")
    def check_token(self, key: str, value: str) -> str:
        # A rule no generated value meets: its factory is reported, never blamed on the app.
        if len(value) < 3 or value != value[::-1]:
            raise ValueError("a stamp token reads the same both ways")
        return value
