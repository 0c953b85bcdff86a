from werkzeug.security import check_password_hash, generate_password_hash

from notebook.extensions import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    notes = db.relationship("Note", back_populates="owner")

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    owner_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    owner = db.relationship(User, back_populates="notes")

    def as_dict(self):
        return {"id": self.id, "title": self.title, "body": self.body}
