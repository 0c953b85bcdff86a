import os

import sqlalchemy as sa
from flask import Flask, abort, jsonify, request
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

engine = sa.create_engine(os.environ.get("SHOP_DB", "sqlite:///shop.db"))
SessionLocal = sessionmaker(bind=engine)


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    price_cents: Mapped[int]


def create_app():
    app = Flask(__name__)

    @app.get("/products/<int:product_id>")
    def get_product(product_id):
        with SessionLocal() as session:
            product = session.get(Product, product_id) or abort(404)
            return {"id": product.id, "name": product.name, "price_cents": product.price_cents}

    @app.post("/products")
    def create_product():
        data = request.get_json(silent=True) or {}
        if not isinstance(data.get("name"), str) or not isinstance(data.get("price_cents"), int):
            return jsonify(error="name and price_cents are required"), 400
        with SessionLocal.begin() as session:
            product = Product(name=data["name"], price_cents=data["price_cents"])
            session.add(product)
            session.flush()
            return {"id": product.id}, 201

    return app
