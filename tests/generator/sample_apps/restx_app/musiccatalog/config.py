from __future__ import annotations


class Config:
    SQLALCHEMY_DATABASE_URI = "sqlite:///catalog.db"
    RESTX_MASK_SWAGGER = False
    RESTX_ERROR_404_HELP = False


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"


CONFIGS = {"development": Config, "testing": TestingConfig}
