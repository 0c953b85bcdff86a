from werkzeug.security import check_password_hash, generate_password_hash

from clubhouse.extensions import db


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False)
    # Werkzeug's hashes are over 100 characters: PostgreSQL refuses them here, SQLite does not.
    password_hash = db.Column(db.String(64), nullable=False)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class Badge(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(20), nullable=False)
    # label-<32 hex digits> never fits in 24 characters.
    code = db.Column(db.String(24), nullable=False, unique=True)

    def as_dict(self):
        return {"id": self.id, "label": self.label, "code": self.code}
