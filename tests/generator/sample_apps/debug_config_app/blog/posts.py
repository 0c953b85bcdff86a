from __future__ import annotations

from flask import Blueprint, request

from .extensions import db
from .models import Post

bp = Blueprint("posts", __name__, url_prefix="/posts")


@bp.get("/<int:post_id>")
def get_post(post_id: int) -> dict[str, object]:
    post = db.get_or_404(Post, post_id)
    return {"id": post.id, "title": post.title}


@bp.post("/")
def create_post() -> tuple[dict[str, object], int]:
    # A missing field is Flask's 400 Bad Request; debug mode re-raises it instead.
    post = Post(title=request.form["title"])
    db.session.add(post)
    db.session.commit()
    return {"id": post.id, "title": post.title}, 201
