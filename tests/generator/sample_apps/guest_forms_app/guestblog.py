"""A blog whose post page takes comments through one form for members and another for guests."""

from flask import Flask, abort, flash, redirect, render_template_string, session, url_for
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from werkzeug.security import generate_password_hash
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length

db = SQLAlchemy()

PAGE = """<h1>{{ title }}</h1>
{% for message in get_flashed_messages() %}<p class="flash">{{ message }}</p>{% endfor %}
{% for field, errors in form.errors.items() %}
<p class="error">{{ field }}: {{ errors[0] }}</p>
{% endfor %}
"""


class Category(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), unique=True, nullable=False)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)
    category_id = db.Column(db.ForeignKey("category.id"))


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.ForeignKey("post.id"), nullable=False)
    author = db.Column(db.String(40), nullable=False)
    email = db.Column(db.String(120), nullable=False)
    site = db.Column(db.String(200))
    body = db.Column(db.Text, nullable=False)


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(20), unique=True, nullable=False)
    email = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)


class MemberCommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired()])


class GuestCommentForm(MemberCommentForm):
    author = StringField("Name", validators=[DataRequired(), Length(1, 40)])
    email = StringField("Email", validators=[DataRequired(), Email()])
    site = StringField("Site", validators=[DataRequired(), URL()])


class PostForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(1, 80)])
    category = SelectField("Category", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(c.id, c.name) for c in db.session.scalars(db.select(Category))]


class SignUpForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(3, 20)])
    email = StringField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=12)])
    repeat = PasswordField("Repeat", validators=[DataRequired(), EqualTo("password")])


def create_app(config_name="development"):
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "dev"
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config["WTF_CSRF_ENABLED"] = config_name != "testing"
    db.init_app(app)

    @app.route("/post/<int:post_id>", methods=["GET", "POST"])
    def show_post(post_id):
        post = db.session.get(Post, post_id) or abort(404)
        if session.get("member_id"):
            form = MemberCommentForm()
            author, email = "member", "member@example.com"
        else:
            form = GuestCommentForm()
            author, email = form.author.data, form.email.data
        if form.validate_on_submit():
            comment = Comment(post_id=post.id, author=author, email=email, body=form.body.data)
            db.session.add(comment)
            db.session.commit()
            flash("Thanks, your comment is in.")
            return redirect(url_for("show_post", post_id=post.id))
        return render_template_string(PAGE, title=post.title, form=form)

    @app.route("/posts/new", methods=["GET", "POST"])
    def new_post():
        form = PostForm()
        if form.validate_on_submit():
            post = Post(title=form.title.data, category_id=form.category.data)
            db.session.add(post)
            db.session.commit()
            return redirect(url_for("show_post", post_id=post.id))
        return render_template_string(PAGE, title="New post", form=form)

    @app.route("/sign-up", methods=["GET", "POST"])
    def sign_up():
        form = SignUpForm()
        if form.validate_on_submit():
            member = Member(
                username=form.username.data,
                email=form.email.data,
                password_hash=generate_password_hash(form.password.data),
            )
            db.session.add(member)
            db.session.commit()
            return redirect(url_for("show_post", post_id=1))
        return render_template_string(PAGE, title="Sign up", form=form)

    return app
