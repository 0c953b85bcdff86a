import enum
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import relationship

from recipes.database import Base


class Difficulty(enum.Enum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


recipe_tags = Table(
    "recipe_tags",
    Base.metadata,
    Column("recipe_id", ForeignKey("recipes.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Chef(Base):
    __tablename__ = "chefs"

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    email = Column(String(120), unique=True, nullable=False)
    recipes = relationship("Recipe", back_populates="chef")

    def to_dict(self):
        return {"id": self.id, "name": self.name, "email": self.email}


class Tag(Base):
    __tablename__ = "tags"

    id = Column(Integer, primary_key=True)
    label = Column(String(40), unique=True, nullable=False)


class Recipe(Base):
    __tablename__ = "recipes"

    id = Column(Integer, primary_key=True)
    title = Column(String(120), nullable=False)
    instructions = Column(Text, nullable=False)
    servings = Column(Integer, nullable=False, default=2)
    difficulty = Column(Enum(Difficulty), nullable=False, default=Difficulty.easy)
    created_at = Column(DateTime, default=lambda: datetime.now(timezone.utc))
    chef_id = Column(ForeignKey("chefs.id"), nullable=False)
    chef = relationship(Chef, back_populates="recipes")
    tags = relationship(Tag, secondary=recipe_tags)

    @property
    def is_quick(self):
        return self.difficulty is Difficulty.easy and self.servings <= 2

    def to_dict(self):
        return {
            "id": self.id,
            "title": self.title,
            "instructions": self.instructions,
            "servings": self.servings,
            "difficulty": self.difficulty.value,
            "chef_id": self.chef_id,
            "tags": sorted(tag.label for tag in self.tags),
        }


class ShareLink(Base):
    __tablename__ = "share_links"

    token = Column(String(43), primary_key=True)
    recipe_id = Column(ForeignKey("recipes.id"), nullable=False)
    recipe = relationship(Recipe)
