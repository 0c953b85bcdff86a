from __future__ import annotations

from marshmallow import Schema, fields, validate

from .models import Species


class PetSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    species = fields.Enum(Species, by_value=True, required=True)
    age = fields.Integer(validate=validate.Range(min=0, max=60))


class PetQuerySchema(Schema):
    species = fields.Enum(Species, by_value=True)
