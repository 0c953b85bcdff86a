from __future__ import annotations


class Config:
    SECRET_KEY = "dev"
    SQLALCHEMY_DATABASE_URI = "sqlite:///library.db"
    TOKEN_MAX_AGE = 3600
    PER_PAGE = 20


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"


CONFIGS = {"development": Config, "testing": TestingConfig}
