"""Permission matrix over EVERY route of the portal, the knowledge base and the forum.

Who: anonymous, a contact of another organisation (Vector), a colleague of the requester who is
not an organisation manager, the requester, the organisation manager, an agent. What: reading
and changing tickets, entries, attachments, quotes, internal articles, forum moderation — also by
guessing ids. A forbidden request answers 302 (to sign in), 403 or 404 and changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.portal.world import World, build, login, snapshot
from tierdesk.forum import urls as forum_urls
from tierdesk.kb import urls as kb_urls
from tierdesk.portal import urls as portal_urls

pytestmark = pytest.mark.django_db

U = Callable[[World], str]
D = Callable[[World], dict[str, Any]]


def _none(w: World) -> dict[str, Any]:
    return {}


@dataclasses.dataclass(frozen=True)
class Route:
    name: str
    method: str
    url: U
    # public: anyone; customer: any signed-in contact; owner: who may see the ticket;
    # agent: staff only; poster: signed-in customer or agent (forum); token: signed link.
    access: str
    data: D = _none


def q(w: World) -> int:
    return w.quote.pk if w.quote is not None else 999_999


ROUTES: list[Route] = [
    # ---- portal: accounts
    Route("portal:login", "GET", lambda w: "/portal/login/", "public"),
    Route(
        "portal:login",
        "POST",
        lambda w: "/portal/login/",
        "public",
        lambda w: {"email": "nobody@x.example", "password": "x"},
    ),
    Route("portal:logout", "POST", lambda w: "/portal/logout/", "public"),
    Route(
        "portal:language",
        "POST",
        lambda w: "/portal/language/",
        "public",
        lambda w: {"language": "en"},
    ),
    Route("portal:password_reset", "GET", lambda w: "/portal/password/reset/", "public"),
    Route(
        "portal:password_reset",
        "POST",
        lambda w: "/portal/password/reset/",
        "public",
        lambda w: {"email": "nobody@x.example"},
    ),
    Route("portal:set_password", "GET", lambda w: "/portal/password/set/MQ/bad-token/", "token"),
    Route(
        "portal:set_password",
        "POST",
        lambda w: "/portal/password/set/MQ/bad-token/",
        "token",
        lambda w: {"new_password1": "Secret-pass-42", "new_password2": "Secret-pass-42"},
    ),
    Route("portal:register", "GET", lambda w: "/portal/register/", "public"),
    Route(
        "portal:register",
        "POST",
        lambda w: "/portal/register/",
        "public",
        lambda w: {"name": "X", "email": "x@nowhere.example"},
    ),
    Route("portal:register_confirm", "GET", lambda w: "/portal/register/confirm/forged/", "token"),
    Route(
        "portal:register_confirm",
        "POST",
        lambda w: "/portal/register/confirm/forged/",
        "token",
        lambda w: {"password1": "Secret-pass-42", "password2": "Secret-pass-42"},
    ),
    # ---- portal: requests
    Route("portal:home", "GET", lambda w: "/portal/", "customer"),
    Route("portal:tickets", "GET", lambda w: "/portal/tickets/?scope=org&state=all", "customer"),
    Route("portal:new", "GET", lambda w: "/portal/new/", "customer"),
    Route("portal:new_request", "GET", lambda w: f"/portal/new/{w.desk.category.pk}/", "customer"),
    Route(
        "portal:new_request",
        "POST",
        lambda w: f"/portal/new/{w.desk.category.pk}/",
        "customer",
        lambda w: {"subject": "", "description": ""},  # invalid: nothing may be created
    ),
    Route("portal:suggest", "GET", lambda w: "/portal/suggest/?subject=принтер", "customer"),
    Route(
        "portal:deflect",
        "POST",
        lambda w: "/portal/solved/",
        "customer",
        lambda w: {"article": w.internal_article.pk},  # internal: never deflectable → 404
    ),
    Route("portal:ticket", "GET", lambda w: f"/portal/tickets/{w.ticket.number}/", "owner"),
    Route(
        "portal:reply",
        "POST",
        lambda w: f"/portal/tickets/{w.ticket.number}/reply/",
        "owner",
        lambda w: {"body": "hello"},
    ),
    Route("portal:close", "POST", lambda w: f"/portal/tickets/{w.ticket.number}/close/", "owner"),
    Route(
        "portal:reopen", "POST", lambda w: f"/portal/tickets/{w.resolved.number}/reopen/", "owner"
    ),
    Route(
        "portal:rate",
        "POST",
        lambda w: f"/portal/tickets/{w.resolved.number}/rate/",
        "owner",
        lambda w: {"score": 1},
    ),
    Route(
        "portal:approve_quote",
        "POST",
        lambda w: f"/portal/tickets/{w.ticket.number}/quotes/{q(w)}/approve/",
        "owner",
    ),
    Route(
        "portal:decline_quote",
        "POST",
        lambda w: f"/portal/tickets/{w.ticket.number}/quotes/{q(w)}/decline/",
        "owner",
    ),
    Route(
        "portal:attachment", "GET", lambda w: f"/portal/attachments/{w.public_file.pk}/", "owner"
    ),
    Route("portal:staff_invitations", "GET", lambda w: "/portal/staff/invitations/", "agent"),
    Route(
        "portal:staff_invite", "POST", lambda w: f"/portal/staff/invitations/{w.elena.pk}/", "agent"
    ),
    # ---- knowledge base
    Route("kb:index", "GET", lambda w: "/kb/?q=принтер", "public"),
    Route("kb:article", "GET", lambda w: f"/kb/{w.article.pk}/", "public"),
    Route("kb:solved", "POST", lambda w: f"/kb/{w.article.pk}/solved/", "public"),
    Route("kb:edit", "GET", lambda w: f"/kb/{w.article.pk}/edit/", "agent"),
    Route(
        "kb:edit",
        "POST",
        lambda w: f"/kb/{w.article.pk}/edit/",
        "agent",
        lambda w: {"title": "HACKED", "language": "ru", "visibility": "public", "resolution": "x"},
    ),
    Route("kb:manage", "GET", lambda w: "/kb/manage/", "agent"),
    Route("kb:create", "GET", lambda w: "/kb/new/", "agent"),
    Route(
        "kb:create",
        "POST",
        lambda w: "/kb/new/",
        "agent",
        lambda w: {"title": "HACKED", "language": "ru", "visibility": "public", "resolution": "x"},
    ),
    Route("kb:from_ticket", "POST", lambda w: f"/kb/from-ticket/{w.resolved.pk}/", "agent"),
    # ---- forum
    Route("forum:index", "GET", lambda w: "/forum/", "public"),
    Route("forum:topic", "GET", lambda w: f"/forum/{w.topic.pk}/", "public"),
    Route("forum:new", "GET", lambda w: "/forum/new/", "poster"),
    Route(
        "forum:new",
        "POST",
        lambda w: "/forum/new/",
        "poster",
        lambda w: {"title": "", "body": "", "language": "ru"},  # invalid: nothing created
    ),
    Route(
        "forum:answer",
        "POST",
        lambda w: f"/forum/{w.topic.pk}/answer/",
        "poster",
        lambda w: {"body": ""},
    ),
    Route("forum:accept", "POST", lambda w: f"/forum/posts/{w.post.pk}/accept/", "topic_author"),
    Route("forum:promote", "POST", lambda w: f"/forum/posts/{w.post.pk}/promote/", "agent"),
    Route(
        "forum:moderate_post",
        "POST",
        lambda w: f"/forum/posts/{w.post.pk}/moderate/",
        "agent",
        lambda w: {"state": "spam"},
    ),
    Route(
        "forum:moderate_topic",
        "POST",
        lambda w: f"/forum/{w.topic.pk}/moderate/",
        "agent",
        lambda w: {"state": "hidden"},
    ),
]


def _names(module: Any) -> set[str]:
    return {f"{module.app_name}:{p.name}" for p in module.urlpatterns}


def test_every_route_is_in_the_matrix():
    routes = _names(portal_urls) | _names(kb_urls) | _names(forum_urls)
    assert routes == {r.name for r in ROUTES}


@pytest.fixture
def world() -> World:
    return build()


def call(client: Client, route: Route, w: World):  # type: ignore[no-untyped-def]
    url = route.url(w)
    if route.method == "GET":
        return client.get(url)
    return client.post(url, route.data(w))


def ids(routes: list[Route]) -> list[str]:
    return [f"{r.method} {r.name}" for r in routes]


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and (
        response["Location"].startswith("/portal/login/")
        or response["Location"].startswith("/agent/login/")
    )


PROTECTED = [r for r in ROUTES if r.access not in ("public", "token")]
OPEN = [r for r in ROUTES if r.access in ("public", "token")]


@pytest.mark.parametrize("route", PROTECTED, ids=ids(PROTECTED))
def test_anonymous_is_sent_to_sign_in_and_changes_nothing(world, client, route):
    before = snapshot()
    response = call(client, route, world)
    assert is_login_redirect(response) or response.status_code == 404, (
        response.status_code,
        response.get("Location"),
    )
    assert snapshot() == before


@pytest.mark.parametrize("route", OPEN, ids=ids(OPEN))
def test_anonymous_reaches_public_pages(world, client, route):
    response = call(client, route, world)
    if route.method == "GET":
        assert response.status_code == (
            400 if route.access == "token" and "confirm" in route.name else 200
        )
    else:
        assert response.status_code in (200, 302, 400)


OWNER = [r for r in ROUTES if r.access == "owner"]


@pytest.mark.parametrize("who", ["petr", "elena"])
@pytest.mark.parametrize("route", OWNER, ids=ids(OWNER))
def test_other_contacts_never_read_or_change_the_ticket(world, client, route, who):
    """Another organisation's contact, and a colleague who is not a manager, get 404 — the
    same answer as for a ticket that does not exist."""
    login(client, getattr(world, who))
    before = snapshot()
    response = call(client, route, world)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "route",
    [r for r in OWNER if r.method == "GET"],
    ids=ids([r for r in OWNER if r.method == "GET"]),
)
@pytest.mark.parametrize("who", ["anna", "boris"])
def test_requester_and_manager_read_the_ticket(world, client, route, who):
    login(client, getattr(world, who))
    assert call(client, route, world).status_code == 200


AGENT = [r for r in ROUTES if r.access == "agent"]


@pytest.mark.parametrize("who", ["anna", "boris"])
@pytest.mark.parametrize("route", AGENT, ids=ids(AGENT))
def test_customers_never_reach_agent_routes(world, client, route, who):
    login(client, getattr(world, who))
    before = snapshot()
    response = call(client, route, world)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"] == "/portal/"  # staff pages send customers to the portal
    assert snapshot() == before


@pytest.mark.parametrize("route", AGENT, ids=ids(AGENT))
def test_agents_reach_agent_routes(world, client, route):
    login(client, world.agent)
    assert call(client, route, world).status_code in (200, 302)


def test_accepting_an_answer_is_for_the_asker_or_an_agent(world, client):
    login(client, world.petr)  # wrote the answer, did not ask
    before = snapshot()
    client.post(f"/forum/posts/{world.post.pk}/accept/")
    assert snapshot() == before
    login(client, world.anna)
    client.post(f"/forum/posts/{world.post.pk}/accept/")
    world.topic.refresh_from_db()
    assert world.topic.accepted_post_id == world.post.pk


# ---------------------------------------------------------------- guessing ids


def test_guessing_ticket_numbers_and_attachment_ids(world, client):
    from tierdesk.tickets.models import Attachment, Ticket

    login(client, world.petr)
    own = set(Ticket.objects.filter(requester=world.petr).values_list("number", flat=True))
    max_pk = Ticket.objects.order_by("-pk").first().pk
    for pk in range(1, max_pk + 3):
        number = f"TD-{pk:06d}"
        expected = 200 if number in own else 404
        assert client.get(f"/portal/tickets/{number}/").status_code == expected, number
    for pk in range(1, Attachment.objects.order_by("-pk").first().pk + 3):
        assert client.get(f"/portal/attachments/{pk}/").status_code == 404, pk
    # also nonsense and case games
    for junk in ("td-000001", "TD-1", "1", "../", "TD-000001%00"):
        assert client.get(f"/portal/tickets/{junk}/").status_code == 404


def test_internal_entries_and_their_files_never_reach_customers(world, client):
    login(client, world.anna)
    page = client.get(f"/portal/tickets/{world.ticket.number}/").content.decode()
    assert "Перезапустите диспетчер печати" in page
    assert "СЕКРЕТНАЯ" not in page and "internal-dump" not in page
    assert client.get(f"/portal/attachments/{world.note_file.pk}/").status_code == 404
    ok = client.get(f"/portal/attachments/{world.reply_file.pk}/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.4 howto"
    assert ok["Content-Disposition"].startswith("attachment")
    assert ok["X-Content-Type-Options"] == "nosniff"


def test_manager_sees_the_organisation_but_not_other_organisations(world, client):
    login(client, world.boris)
    page = client.get("/portal/?scope=org&state=all").content.decode()
    assert world.ticket.number in page and world.petr_ticket.number not in page
    login(client, world.elena)
    page = client.get("/portal/?scope=org&state=all").content.decode()
    assert world.ticket.number not in page  # not a manager: only her own


# ---------------------------------------------------------------- internal articles


@pytest.mark.parametrize("who", [None, "anna", "petr"])
def test_internal_and_draft_articles_are_invisible_outside_support(world, client, who):
    if who:
        login(client, getattr(world, who))
    for article in (world.internal_article, world.draft):
        assert client.get(f"/kb/{article.pk}/").status_code == 404
        assert client.post(f"/kb/{article.pk}/solved/").status_code == 404
    listing = client.get("/kb/").content.decode() + client.get("/kb/?q=принтер").content.decode()
    assert world.internal_article.title not in listing and world.draft.title not in listing
    if who:
        hints = client.get("/portal/suggest/?subject=пароль+принтера").content.decode()
        assert world.internal_article.title not in hints


def test_agents_read_internal_articles(world, client):
    login(client, world.agent)
    assert client.get(f"/kb/{world.internal_article.pk}/").status_code == 200
    assert world.internal_article.title in client.get("/kb/?q=пароль+принтера").content.decode()


@pytest.mark.parametrize("who", [None, "anna"])
def test_hidden_forum_content_is_invisible_outside_support(world, client, who):
    if who:
        login(client, getattr(world, who))
    assert client.get(f"/forum/{world.hidden_topic.pk}/").status_code == 404
    page = client.get(f"/forum/{world.topic.pk}/").content.decode()
    assert "Так." in page
    assert f'id="post-{world.hidden_post.pk}"' not in page
    assert world.hidden_topic.title not in client.get("/forum/").content.decode()


# ---------------------------------------------------------------- CSRF

POSTS = [r for r in ROUTES if r.method == "POST"]


def _actor(world: World, route: Route) -> Any:
    if route.access in ("agent",):
        return world.agent
    if route.access in ("owner", "customer", "poster", "topic_author"):
        return world.anna
    return None


@pytest.mark.parametrize("route", POSTS, ids=ids(POSTS))
def test_every_form_needs_the_csrf_token(world, route):
    client = Client(enforce_csrf_checks=True)
    actor = _actor(world, route)
    if actor is not None:
        login(client, actor)
    before = snapshot()
    response = call(client, route, world)
    assert response.status_code == 403
    assert snapshot() == before


def test_nul_bytes_and_junk_are_harmless(world, client):
    """PostgreSQL refuses NUL in text: every place that takes free text must cope."""
    assert client.get("/kb/?q=%00принтер").status_code == 200
    assert client.get("/forum/?q=a%00b").status_code == 200
    assert (
        client.post("/portal/login/", {"email": "a\x00@b.example", "password": "x"}).status_code
        == 200
    )
    login(client, world.anna)
    assert client.get("/portal/?q=TD%00&state=all").status_code == 200
    assert client.get("/portal/tickets/TD-000001%00/").status_code == 404
    assert client.get("/portal/suggest/?subject=%00%00").status_code == 200
    response = client.post("/portal/solved/", {"article": world.article.pk, "query": "x\x00y"})
    assert response.status_code == 200
    login(client, world.agent)
    assert client.get("/kb/manage/?q=%00").status_code == 200
    assert client.get("/portal/staff/invitations/?q=%00").status_code == 200
