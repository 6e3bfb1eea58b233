from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.mark.django_db
def test_login_page_renders_and_staff_lands_in_workspace(desk, client: Client) -> None:
    response = client.get("/agent/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    response = client.post(
        "/agent/login/", {"username": desk.agents[1].username, "password": "demo"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/agent/"
    page = client.get("/agent/", follow=True)
    assert page.status_code == 200
    assert b'id="caller-popup"' in page.content
    assert b"vendor/htmx.min.js" in page.content


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/agent/")
    assert response.status_code == 302
    assert response["Location"].startswith("/agent/login/?next=/agent/")


@pytest.mark.django_db
def test_customer_is_refused_and_sent_to_portal(desk, client: Client) -> None:
    customer = factories.make_contact("cust@example.org", desk.org, login=True).user
    assert customer is not None
    client.force_login(customer)
    response = client.get("/agent/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    # signing in through the agent login also ends up in the portal
    client.logout()
    response = client.post("/agent/login/", {"username": customer.username, "password": "demo"})
    assert response["Location"] == "/portal/"


@pytest.mark.django_db
def test_logout_requires_post_and_ends_session(desk, client: Client) -> None:
    client.force_login(desk.agents[1])
    assert client.get("/agent/profile/").status_code == 200
    response = client.post("/agent/logout/")
    assert response.status_code == 302
    assert client.get("/agent/profile/").status_code == 302


@pytest.mark.django_db
def test_language_switch_is_remembered(desk, client: Client) -> None:
    agent = desk.agents[1]
    client.force_login(agent)
    response = client.post("/agent/language/", {"language": "en", "next": "/agent/profile/"})
    assert response["Location"] == "/agent/profile/"
    agent.refresh_from_db()
    assert agent.language == "en"
    assert client.get("/agent/profile/").content.count(b"Preferences") >= 1
    client.post("/agent/language/", {"language": "ru", "next": "/agent/profile/"})
    agent.refresh_from_db()
    assert agent.language == "ru"
    # an open redirect is refused
    response = client.post("/agent/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/agent/"
    # an unknown language is ignored and nothing is written
    client.post("/agent/language/", {"language": "xx"})
    agent.refresh_from_db()
    assert agent.language == "en"


@pytest.mark.django_db
def test_timezone_preference_is_validated_and_saved(desk, client: Client) -> None:
    agent = desk.agents[1]
    client.force_login(agent)
    response = client.post("/agent/profile/", {"language": "en", "timezone": "Mars/Olympus"})
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.timezone == ""
    response = client.post("/agent/profile/", {"language": "en", "timezone": "Asia/Vladivostok"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.timezone == "Asia/Vladivostok"
