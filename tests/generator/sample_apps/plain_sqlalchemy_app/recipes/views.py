import secrets

from flask import Blueprint, abort, jsonify, request

from recipes.database import db_session
from recipes.models import Chef, Difficulty, Recipe, ShareLink

bp = Blueprint("recipes", __name__, url_prefix="/api")


def _json_body():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="expected a JSON object")
    return data


@bp.get("/chefs")
def list_chefs():
    return jsonify([chef.to_dict() for chef in Chef.query.order_by(Chef.id)])


@bp.post("/chefs")
def create_chef():
    data = _json_body()
    name, email = data.get("name"), data.get("email")
    if not isinstance(name, str) or not isinstance(email, str) or "@" not in email:
        return jsonify(error="name and a valid email are required"), 400
    if Chef.query.filter_by(email=email).first() is not None:
        return jsonify(error="email already registered"), 409
    chef = Chef(name=name, email=email)
    db_session.add(chef)
    db_session.commit()
    return jsonify(chef.to_dict()), 201


@bp.get("/chefs/<int:chef_id>/recipes")
def chef_recipes(chef_id):
    chef = db_session.get(Chef, chef_id) or abort(404)
    return jsonify([recipe.to_dict() for recipe in chef.recipes])


@bp.get("/recipes")
def list_recipes():
    return jsonify([recipe.to_dict() for recipe in Recipe.query.order_by(Recipe.id)])


@bp.post("/recipes")
def create_recipe():
    data = _json_body()
    title, instructions = data.get("title"), data.get("instructions")
    chef_id = data.get("chef_id")
    if not isinstance(title, str) or not isinstance(instructions, str):
        return jsonify(error="title and instructions are required"), 400
    if not isinstance(chef_id, int) or db_session.get(Chef, chef_id) is None:
        return jsonify(error="chef_id must name a chef"), 400
    try:
        difficulty = Difficulty(data.get("difficulty", "easy"))
    except ValueError:
        return jsonify(error="difficulty must be easy, medium or hard"), 400
    recipe = Recipe(
        title=title,
        instructions=instructions,
        servings=data.get("servings", 2),
        difficulty=difficulty,
        chef_id=chef_id,
    )
    db_session.add(recipe)
    db_session.commit()
    return jsonify(recipe.to_dict()), 201


@bp.get("/recipes/<int:recipe_id>")
def get_recipe(recipe_id):
    recipe = db_session.get(Recipe, recipe_id) or abort(404)
    return jsonify(recipe.to_dict())


@bp.delete("/recipes/<int:recipe_id>")
def delete_recipe(recipe_id):
    recipe = db_session.get(Recipe, recipe_id) or abort(404)
    db_session.delete(recipe)
    db_session.commit()
    return "", 204


@bp.post("/recipes/<int:recipe_id>/share")
def share_recipe(recipe_id):
    recipe = db_session.get(Recipe, recipe_id) or abort(404)
    link = ShareLink(token=secrets.token_urlsafe(32), recipe=recipe)
    db_session.add(link)
    db_session.commit()
    return jsonify(token=link.token), 201


@bp.get("/shared/<token>")
def shared_recipe(token):
    link = db_session.get(ShareLink, token) or abort(404)
    return jsonify(link.recipe.to_dict())
