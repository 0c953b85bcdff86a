import os

from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker

engine = create_engine(os.environ.get("RECIPES_DATABASE_URL", "sqlite:///recipes.db"))
db_session = scoped_session(sessionmaker(autocommit=False, autoflush=False, bind=engine))
Base = declarative_base()
Base.query = db_session.query_property()


def init_db():
    from recipes import models  # noqa: F401

    Base.metadata.create_all(bind=engine)
