"""Customer sign-in, password reset by e-mail, self-registration by domain, invitations."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests import factories
from tierdesk.accounts.models import Role, User
from tierdesk.customers.models import Contact, ContactEmail

pytestmark = pytest.mark.django_db


def path_of(message) -> str:  # type: ignore[no-untyped-def]
    url = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert url, message.body
    return url.group(1)


def test_sign_in_with_any_address_of_the_contact(desk, client):
    ContactEmail.objects.create(contact=desk.contact, email="anna.private@mail.example")
    response = client.post(
        "/portal/login/", {"email": "Anna.Private@mail.example", "password": "demo"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_wrong_password_and_staff_accounts_are_refused(desk, client):
    response = client.post(
        "/portal/login/",
        {"email": "anna@romashka.example", "password": "no"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The e-mail or the password is wrong." in response.content.decode()
    response = client.post("/portal/login/", {"email": "l1", "password": "demo"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_sign_in_sets_the_contact_language(desk, client):
    Contact.objects.filter(pk=desk.contact.pk).update(language="en")
    response = client.post("/portal/login/", {"email": "anna@romashka.example", "password": "demo"})
    assert response.cookies["django_language"].value == "en"


def test_open_redirect_is_refused(desk, client):
    response = client.post(
        "/portal/login/",
        {"email": "anna@romashka.example", "password": "demo", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/portal/"


def test_password_reset_by_mail(desk, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/password/reset/", {"email": "anna@romashka.example"})
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@romashka.example"]
    path = path_of(mail.outbox[0])
    response = client.get(path)  # Django swaps the token for a session marker
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(
        form_url, {"new_password1": "Kalina-Malina-7", "new_password2": "Kalina-Malina-7"}
    )
    assert response.status_code == 302
    client.logout()
    assert (
        client.post(
            "/portal/login/", {"email": "anna@romashka.example", "password": "Kalina-Malina-7"}
        ).status_code
        == 302
    )
    # the link works once
    assert "validlink" not in client.get(path).content.decode()
    assert client.get(path).status_code in (200, 302)


def test_password_reset_reveals_nothing_and_ignores_staff(
    desk, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a = client.post("/portal/password/reset/", {"email": "nobody@romashka.example"})
        b = client.post("/portal/password/reset/", {"email": desk.agents[1].email})
    assert a.status_code == b.status_code == 200
    assert mail.outbox == []


def test_staff_cannot_use_the_customer_set_password_link(desk, client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    agent = desk.agents[1]
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    token = default_token_generator.make_token(agent)
    response = client.get(f"/portal/password/set/{uid}/{token}/", follow=True)
    assert "new_password1" not in response.content.decode()


def test_self_registration_by_allowed_domain(desk, client, django_capture_on_commit_callbacks):
    desk.org.allow_self_registration = True
    desk.org.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/register/", {"name": "Иван Петров", "email": "ivan@romashka.example"}
        )
    assert response.status_code == 200 and len(mail.outbox) == 1
    assert not User.objects.filter(username="ivan@romashka.example").exists()  # not yet
    path = path_of(mail.outbox[0])
    response = client.post(path, {"password1": "Kalina-Malina-7", "password2": "Kalina-Malina-7"})
    assert response.status_code == 302
    user = User.objects.get(username="ivan@romashka.example")
    assert user.role == Role.CUSTOMER and user.contact.organization == desk.org
    assert client.get("/portal/").status_code == 200
    # the link cannot make a second account
    client.logout()
    again = client.post(path, {"password1": "Kalina-Malina-7", "password2": "Kalina-Malina-7"})
    assert (
        again.status_code == 200 and User.objects.filter(email="ivan@romashka.example").count() == 1
    )


def test_registration_links_an_existing_contact(desk, client, django_capture_on_commit_callbacks):
    desk.org.allow_self_registration = True
    desk.org.save()
    contact = factories.make_contact("olga@romashka.example", desk.org, name="Ольга")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/register/", {"name": "Ольга", "email": "olga@romashka.example"})
    client.post(
        path_of(mail.outbox[0]), {"password1": "Kalina-Malina-7", "password2": "Kalina-Malina-7"}
    )
    contact.refresh_from_db()
    assert contact.user is not None and contact.user.username == "olga@romashka.example"


def test_registration_refused_for_other_domains(desk, client, django_capture_on_commit_callbacks):
    # Romashka does not allow self-registration in the factory; gmail belongs to nobody.
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("ivan@romashka.example", "ivan@gmail.example"):
            response = client.post("/portal/register/", {"name": "Иван", "email": email})
            assert response.status_code == 200
    assert mail.outbox == []
    assert not User.objects.filter(username__startswith="ivan@").exists()


def test_registration_of_an_existing_login_sends_a_reminder(
    desk, client, django_capture_on_commit_callbacks
):
    desk.org.allow_self_registration = True
    desk.org.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/register/", {"name": "Анна", "email": "anna@romashka.example"})
    assert len(mail.outbox) == 1 and "/portal/password/set/" in mail.outbox[0].body


def test_forged_registration_link(desk, client):
    response = client.get(
        "/portal/register/confirm/eyJlIjoiaGFja0Byb21hc2hrYS5leGFtcGxlIn0:forged/"
    )
    assert response.status_code == 400


def test_agent_invites_a_contact(desk, client, django_capture_on_commit_callbacks):
    contact = factories.make_contact("olga@romashka.example", desk.org, name="Ольга Иванова")
    client.force_login(desk.agents[1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/portal/staff/invitations/{contact.pk}/")
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.user.role == Role.CUSTOMER and not contact.user.has_usable_password()
    assert mail.outbox[0].to == ["olga@romashka.example"]
    client.logout()
    response = client.get(path_of(mail.outbox[0]))
    response = client.post(
        response["Location"],
        {"new_password1": "Kalina-Malina-7", "new_password2": "Kalina-Malina-7"},
    )
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 200  # signed in right away


def test_invitation_page_lists_contacts(desk, client):
    client.force_login(desk.agents[1])
    page = client.get("/portal/staff/invitations/?q=romashka").content.decode()
    assert "anna@romashka.example" in page and "petr@vector.example" not in page


def test_language_switch_is_remembered_for_the_contact(desk, client):
    client.force_login(desk.contact.user)
    response = client.post("/portal/language/", {"language": "en", "next": "/portal/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    desk.contact.refresh_from_db()
    assert desk.contact.language == "en"
    assert "My requests" in client.get("/portal/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
