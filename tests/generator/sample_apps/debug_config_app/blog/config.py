from __future__ import annotations


class Config:
    SQLALCHEMY_DATABASE_URI = "sqlite:///blog.db"
    SECRET_KEY = "blog-development-key"


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"


configs = {"development": DevelopmentConfig, "testing": TestingConfig}
