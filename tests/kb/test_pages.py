"""Knowledge-base pages, counters and the agents' article work."""

from __future__ import annotations

import pytest

from tierdesk.core.errors import InvalidTransition, NotPermitted
from tierdesk.kb import selectors, services
from tierdesk.kb.models import Article, Deflection, Visibility
from tierdesk.tickets import lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():  # type: ignore[no-untyped-def]
    return Article.objects.create(
        title="Outlook не отправляет письма",
        symptoms="Письма остаются в «Исходящих».",
        cause="Антивирус проверяет почту.",
        resolution="Отключите проверку почты.\nУкажите порт 587.",
        language="ru",
    )


def test_public_index_search_and_article_without_login(client, article):
    assert article.title in client.get("/kb/").content.decode()
    assert article.title in client.get("/kb/?q=outlook+отправляет").content.decode()
    page = client.get(f"/kb/{article.pk}/").content.decode()
    assert "Укажите порт 587." in page and "<li>Отключите проверку почты.</li>" in page
    assert client.get("/kb/?q=outlook&lang=en").content.decode().count("article-item") == 0


def test_opening_counts_for_readers_not_agents(client, desk, article):
    client.get(f"/kb/{article.pk}/")
    client.force_login(desk.agents[1])
    client.get(f"/kb/{article.pk}/")
    article.refresh_from_db()
    assert article.opened_count == 1


def test_solved_on_the_public_page_records_a_deflection(client, desk, article):
    client.force_login(desk.contact.user)
    client.post(f"/kb/{article.pk}/solved/")
    client.post(f"/kb/{article.pk}/solved/")
    deflection = Deflection.objects.get()
    assert (deflection.channel, deflection.contact) == ("kb", desk.contact)
    assert Article.objects.get(pk=article.pk).deflected_count == 1


def test_reply_with_article_and_resolution_count(desk, article):
    ticket = desk.ticket()
    lifecycle.reply(ticket=ticket, actor=desk.agents[1], body="См. статью", article=article)
    lifecycle.resolve(
        ticket=ticket, actor=desk.agents[1], resolution_code="kb_solution", article=article
    )
    article.refresh_from_db()
    assert (article.offered_count, article.resolved_count) == (1, 1)


def test_article_reply_text(article):
    text = selectors.article_reply_text(article)
    assert "Антивирус" in text and "порт 587" in text and f"/kb/{article.pk}/" in text
    internal = Article.objects.create(title="x", resolution="y", visibility=Visibility.INTERNAL)
    assert "/kb/" not in selectors.article_reply_text(internal)  # no link customers cannot open


def test_agent_writes_and_edits_an_article(client, desk):
    client.force_login(desk.agents[1])
    response = client.post(
        "/kb/new/",
        {
            "title": "VPN: ошибка 809",
            "symptoms": "Ошибка 809",
            "resolution": "Откройте порт 1723.",
            "language": "ru",
            "visibility": "internal",
            "categories": [desk.category.pk],
            "is_published": "on",
        },
    )
    article = Article.objects.get(title="VPN: ошибка 809")
    assert response["Location"] == f"/kb/{article.pk}/"
    assert article.author == desk.agents[1] and list(article.categories.all()) == [desk.category]
    assert selectors.search_articles("ошибки 809", include_internal=True) == [article]
    client.post(
        f"/kb/{article.pk}/edit/",
        {
            "title": "VPN: ошибка 809 (L2TP)",
            "resolution": "Откройте порт 1723.",
            "language": "ru",
            "visibility": "public",
            "is_published": "on",
        },
    )
    article.refresh_from_db()
    assert article.title == "VPN: ошибка 809 (L2TP)" and article.visibility == "public"
    assert selectors.search_articles("l2tp") == [article]


def test_publishing_needs_resolution_steps(client, desk):
    client.force_login(desk.agents[1])
    response = client.post(
        "/kb/new/",
        {"title": "Пусто", "language": "ru", "visibility": "public", "is_published": "on"},
    )
    assert response.status_code == 200 and not Article.objects.filter(title="Пусто").exists()


def test_article_from_a_resolved_ticket(client, desk):
    ticket = desk.ticket(subject="Принтер печатает полосами", device=desk.device_in_warranty)
    lifecycle.reply(ticket=ticket, actor=desk.agents[1], body="Замените фотобарабан.")
    with pytest.raises(InvalidTransition):
        services.create_article_from_ticket(ticket=ticket, actor=desk.agents[1])
    lifecycle.resolve(
        ticket=ticket, actor=desk.agents[1], resolution_code="solved", note="Барабан изношен"
    )
    with pytest.raises(NotPermitted):
        services.create_article_from_ticket(ticket=ticket, actor=desk.contact.user)
    client.force_login(desk.agents[1])
    response = client.post(f"/kb/from-ticket/{ticket.pk}/")
    article = Article.objects.get(source_ticket=ticket)
    assert response["Location"] == f"/kb/{article.pk}/edit/"
    assert not article.is_published and article.visibility == "internal"
    assert article.title == "Принтер печатает полосами"
    assert "Барабан изношен" in article.resolution and "фотобарабан" in article.resolution
    assert "С утра принтер не печатает" in article.symptoms
    assert article.products == "LaserJet" and list(article.categories.all()) == [desk.category]
    assert article not in selectors.search_articles("полосами", include_internal=True)  # draft
    page = client.get(f"/kb/{article.pk}/edit/").content.decode()
    assert ticket.number in page


def test_kb_list_queries_are_bounded(client, desk, django_assert_max_num_queries):
    for i in range(45):
        a = Article.objects.create(title=f"Статья {i}", resolution="шаг", language="ru")
        a.categories.add(desk.category)
    with django_assert_max_num_queries(10):
        response = client.get("/kb/")
    assert response.content.decode().count("article-item") == 20
    with django_assert_max_num_queries(10):
        client.get("/kb/?page=2&lang=ru")
    with django_assert_max_num_queries(10):
        client.get("/kb/?q=статья")
    client.force_login(desk.agents[1])
    with django_assert_max_num_queries(12):
        assert client.get("/kb/manage/").status_code == 200
