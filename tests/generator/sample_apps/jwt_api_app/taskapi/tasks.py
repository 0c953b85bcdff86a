from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required

from .extensions import db
from .models import Task
from .schemas import TaskSchema

bp = Blueprint("tasks", __name__, url_prefix="/api/tasks")
task_schema = TaskSchema()


def _owned_task(task_id: int) -> Task:
    task = db.get_or_404(Task, task_id)
    if task.owner_id != int(get_jwt_identity()):
        abort(404)
    return task


@bp.get("/")
@jwt_required()
def list_tasks():
    tasks = db.session.scalars(
        db.select(Task).filter_by(owner_id=int(get_jwt_identity())).order_by(Task.id)
    ).all()
    return jsonify(tasks=task_schema.dump(tasks, many=True))


@bp.post("/")
@jwt_required()
def create_task():
    data = task_schema.load(request.get_json(silent=True) or {})
    task = Task(owner_id=int(get_jwt_identity()), **data)
    db.session.add(task)
    db.session.commit()
    return jsonify(task=task_schema.dump(task)), 201


@bp.get("/<int:task_id>")
@jwt_required()
def get_task(task_id: int):
    return jsonify(task=task_schema.dump(_owned_task(task_id)))


@bp.patch("/<int:task_id>")
@jwt_required()
def update_task(task_id: int):
    task = _owned_task(task_id)
    for key, value in task_schema.load(request.get_json(silent=True) or {}, partial=True).items():
        setattr(task, key, value)
    db.session.commit()
    return jsonify(task=task_schema.dump(task))


@bp.delete("/<int:task_id>")
@jwt_required()
def delete_task(task_id: int):
    db.session.delete(_owned_task(task_id))
    db.session.commit()
    return "", 204
