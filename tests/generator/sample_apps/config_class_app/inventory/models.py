from __future__ import annotations

import decimal
import enum

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


class StockStatus(enum.Enum):
    IN_STOCK = "in_stock"
    BACKORDER = "backorder"
    DISCONTINUED = "discontinued"


class Category(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    items: Mapped[list[Item]] = relationship(back_populates="category")

    def __str__(self) -> str:
        return self.name

    def item_count(self) -> int:
        query = db.select(db.func.count(Item.id)).where(Item.category_id == self.id)
        return db.session.scalar(query) or 0


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 2))
    quantity: Mapped[int] = mapped_column(default=0)
    status: Mapped[StockStatus] = mapped_column(default=StockStatus.IN_STOCK)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    category: Mapped[Category] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<Item {self.sku}>"

    @property
    def in_stock(self) -> bool:
        return self.status is StockStatus.IN_STOCK and self.quantity > 0

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "sku": self.sku,
            "title": self.title,
            "price": str(self.price),
            "quantity": self.quantity,
            "status": self.status.value,
            "category": self.category.name,
        }

    def label(self) -> str:
        return f"{self.title} ({self.sku})"

    def discounted_price(self, percent: int = 10) -> decimal.Decimal:
        factor = decimal.Decimal(100 - percent) / 100
        return (self.price * factor).quantize(decimal.Decimal("0.01"))

    def restock(self, amount: int) -> None:
        self.quantity += amount

    def discontinue(self) -> None:
        self.status = StockStatus.DISCONTINUED
