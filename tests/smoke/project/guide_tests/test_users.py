"""The guide's tests on the plugin's fixtures, run in order: each starts from an empty database."""

from app import User


def test_signup_stores_the_user(client, db_session):
    response = client.post("/users", json={"email": "ada@example.com", "name": "Ada"})

    assert response.status_code == 201
    assert db_session.query(User).filter_by(email="ada@example.com").count() == 1


def test_the_previous_test_s_user_is_gone(db_session):
    assert db_session.query(User).count() == 0


def test_a_user_is_shown(client, db_session):
    user = User(email="bob@example.com", name="Bob")
    db_session.add(user)
    db_session.commit()

    response = client.get(f"/users/{user.id}")

    assert response.status_code == 200
    assert response.get_json()["email"] == "bob@example.com"


def test_the_committed_user_is_gone_too(client):
    assert client.get("/users/1").status_code == 404


def test_a_body_without_a_name_is_refused(client):
    assert client.post("/users", json={"email": "eve@example.com"}).status_code == 400
