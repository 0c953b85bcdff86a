from __future__ import annotations

import datetime as dt


class Config:
    SECRET_KEY = "dev"
    JWT_SECRET_KEY = "dev-jwt-secret-with-enough-length-for-hs256"
    JWT_ACCESS_TOKEN_EXPIRES = dt.timedelta(minutes=15)
    SQLALCHEMY_DATABASE_URI = "sqlite:///tasks.db"


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"


CONFIGS = {"development": Config, "testing": TestingConfig}
