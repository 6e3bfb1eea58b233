"""The anonymous and portal forms are rate-limited (HTTP 429 with Retry-After); limits count
per client address for anonymous forms and per customer for portal forms."""

from __future__ import annotations

import pytest

from tests.portal.world import build, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return build()


def hammer(client, method, url, data, times, **extra):  # type: ignore[no-untyped-def]
    codes = []
    for _ in range(times):
        send = client.get if method == "GET" else client.post
        codes.append(send(url, data, **extra).status_code)
    return codes


def test_sign_in_per_address_and_per_account(world, client):
    # per account: 10 wrong passwords in 15 minutes, even from different addresses
    codes = [
        client.post(
            "/portal/login/",
            {"email": "anna@romashka.example", "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{i}",
        ).status_code
        for i in range(11)
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    # the right password is refused too while the account is throttled
    response = client.post(
        "/portal/login/",
        {"email": "anna@romashka.example", "password": "demo"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # per address: 20 attempts in 10 minutes, whatever the accounts
    codes = [
        client.post(
            "/portal/login/", {"email": f"x{i}@y.example", "password": "p"}, REMOTE_ADDR="10.1.1.1"
        ).status_code
        for i in range(21)
    ]
    assert codes[-1] == 429 and codes.count(429) == 1
    assert int(client.post("/portal/login/", {}, REMOTE_ADDR="10.1.1.1")["Retry-After"]) > 0


def test_password_reset_and_registration(world, client):
    codes = hammer(client, "POST", "/portal/password/reset/", {"email": "a@b.example"}, 11)
    assert codes[:10] == [200] * 10 and codes[10] == 429
    codes = hammer(client, "POST", "/portal/register/", {"name": "N", "email": "n@b.example"}, 6)
    assert codes[:5] == [200] * 5 and codes[5] == 429
    codes = hammer(client, "POST", "/portal/register/confirm/forged/", {}, 21)
    assert codes[-1] == 429
    codes = hammer(client, "POST", "/portal/password/set/MQ/x/", {}, 21)
    assert codes[-1] == 429


def test_knowledge_base_feedback(world, client):
    codes = hammer(client, "POST", f"/kb/{world.article.pk}/solved/", {}, 31)
    assert codes[:30] == [302] * 30 and codes[30] == 429
    world.article.refresh_from_db()
    assert world.article.deflected_count == 1  # once per session, however often posted


def test_portal_forms_per_customer(world, client):
    login(client, world.anna)
    codes = hammer(client, "POST", f"/portal/new/{world.desk.category.pk}/", {"subject": ""}, 31)
    assert codes[:30] == [200] * 30 and codes[30] == 429
    codes = hammer(
        client, "POST", f"/portal/tickets/{world.ticket.number}/reply/", {"body": ""}, 61
    )
    assert codes[-1] == 429 and 429 not in codes[:60]
    codes = hammer(client, "POST", "/portal/solved/", {"article": "0"}, 31)
    assert codes[:30] == [404] * 30 and codes[30] == 429
    # another customer is not affected
    login(client, world.boris)
    assert client.post(f"/portal/new/{world.desk.category.pk}/", {"subject": ""}).status_code == 200


def test_live_suggestions(world, client):
    login(client, world.anna)
    codes = hammer(client, "GET", "/portal/suggest/", {"subject": "x"}, 241, HTTP_HX_REQUEST="true")
    assert codes[:240] == [200] * 240 and codes[240] == 429
    last = client.get("/portal/suggest/", {"subject": "x"}, HTTP_HX_REQUEST="true")
    assert last.status_code == 429 and b"alert" in last.content  # an htmx fragment, not a page


def test_forum_forms(world, client):
    login(client, world.anna)
    codes = hammer(client, "POST", "/forum/new/", {"title": ""}, 11)
    assert codes[:10] == [200] * 10 and codes[10] == 429
    codes = hammer(client, "POST", f"/forum/{world.topic.pk}/answer/", {"body": ""}, 31)
    assert codes[:30] == [302] * 30 and codes[30] == 429
