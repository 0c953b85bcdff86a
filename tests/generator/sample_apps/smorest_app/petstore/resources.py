from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from .extensions import db
from .models import Pet
from .schemas import PetQuerySchema, PetSchema

blp = Blueprint("pets", __name__, url_prefix="/pets", description="Pets in the store")


@blp.route("/")
class Pets(MethodView):
    @blp.arguments(PetQuerySchema, location="query")
    @blp.response(200, PetSchema(many=True))
    def get(self, filters: dict[str, Any]):
        return db.session.scalars(db.select(Pet).filter_by(**filters).order_by(Pet.id)).all()

    @blp.arguments(PetSchema)
    @blp.response(201, PetSchema)
    def post(self, data: dict[str, Any]):
        pet = Pet(**data)
        db.session.add(pet)
        db.session.commit()
        return pet


@blp.route("/<int:pet_id>")
class PetById(MethodView):
    @blp.response(200, PetSchema)
    def get(self, pet_id: int):
        return db.get_or_404(Pet, pet_id)

    @blp.arguments(PetSchema)
    @blp.response(200, PetSchema)
    def put(self, data: dict[str, Any], pet_id: int):
        pet = db.get_or_404(Pet, pet_id)
        for key, value in data.items():
            setattr(pet, key, value)
        db.session.commit()
        return pet

    @blp.response(204)
    def delete(self, pet_id: int):
        pet = db.session.get(Pet, pet_id)
        if pet is None:
            abort(404, message="Pet not found.")
        db.session.delete(pet)
        db.session.commit()
