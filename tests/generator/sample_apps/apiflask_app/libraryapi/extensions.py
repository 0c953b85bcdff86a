from __future__ import annotations

from apiflask import HTTPTokenAuth
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
token_auth = HTTPTokenAuth(scheme="Bearer")
