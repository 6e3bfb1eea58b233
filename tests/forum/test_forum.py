"""Community forum: questions and answers, accepted answer, agent badge, promotion to the
knowledge base, moderation."""

from __future__ import annotations

import pytest

from tierdesk.core.errors import InvalidTransition, NotPermitted
from tierdesk.forum import services
from tierdesk.forum.models import Post, State, Topic
from tierdesk.kb.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(desk):  # type: ignore[no-untyped-def]
    return services.create_topic(
        author=desk.contact.user,
        title="Как сканировать в PDF?",
        body="МФУ сохраняет JPG.",
        category=desk.category,
    )


def test_customer_asks_and_everyone_reads(client, desk):
    client.force_login(desk.contact.user)
    response = client.post(
        "/forum/new/",
        {
            "title": "VPN рвётся в гостинице",
            "body": "Каждые 10 минут.",
            "language": "ru",
            "category": desk.category.pk,
        },
    )
    topic = Topic.objects.get()
    assert response["Location"] == f"/forum/{topic.pk}/"
    client.logout()
    assert "VPN рвётся в гостинице" in client.get("/forum/").content.decode()
    page = client.get(f"/forum/{topic.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Каждые 10 минут." in page and "Sign in to answer" in page


def test_answers_accepted_answer_and_agent_badge(client, desk, topic):
    agent = desk.agents[1]
    services.add_answer(topic=topic, author=desk.other_contact.user, body="Попробуйте PDF.")
    client.force_login(agent)
    client.post(f"/forum/{topic.pk}/answer/", {"body": "Включите «Многостраничный PDF»."})
    answer = Post.objects.get(author=agent)
    topic.refresh_from_db()
    assert topic.answer_count == 2
    client.force_login(desk.contact.user)  # the asker accepts
    client.post(f"/forum/posts/{answer.pk}/accept/")
    topic.refresh_from_db()
    assert topic.accepted_post == answer
    page = client.get(f"/forum/{topic.pk}/").content.decode()
    assert "badge-agent" in page and "badge-accepted" in page
    assert "badge-accepted" in client.get("/forum/?show=solved").content.decode()
    client.post(f"/forum/posts/{answer.pk}/accept/")  # again: undo
    topic.refresh_from_db()
    assert topic.accepted_post is None


def test_only_asker_or_agent_accepts(desk, topic):
    post = services.add_answer(topic=topic, author=desk.manager.user, body="Ответ")
    with pytest.raises(NotPermitted):
        services.accept_answer(post=post, actor=desk.other_contact.user)
    services.accept_answer(post=post, actor=desk.agents[2])
    assert Topic.objects.get(pk=topic.pk).accepted_post == post


def test_promote_an_answer_to_a_draft_article(client, desk, topic):
    post = services.add_answer(topic=topic, author=desk.agents[1], body="Настройки → PDF.")
    client.force_login(desk.agents[1])
    response = client.post(f"/forum/posts/{post.pk}/promote/")
    article = Article.objects.get()
    assert response["Location"] == f"/kb/{article.pk}/edit/"
    assert (article.title, article.symptoms, article.resolution) == (
        "Как сканировать в PDF?",
        "МФУ сохраняет JPG.",
        "Настройки → PDF.",
    )
    assert not article.is_published and list(article.categories.all()) == [desk.category]
    client.post(f"/forum/posts/{post.pk}/promote/")  # twice: the same article
    assert Article.objects.count() == 1
    with pytest.raises(NotPermitted):
        services.promote_answer(post=post, actor=desk.contact.user)


def test_moderation_hides_posts_and_topics(client, desk, topic):
    spam = services.add_answer(topic=topic, author=desk.other_contact.user, body="Купите часы")
    services.accept_answer(post=spam, actor=desk.contact.user)
    client.force_login(desk.agents[1])
    client.post(f"/forum/posts/{spam.pk}/moderate/", {"state": "spam"})
    topic.refresh_from_db()
    assert (topic.answer_count, topic.accepted_post) == (0, None)
    assert "Купите часы" in client.get(f"/forum/{topic.pk}/").content.decode()  # agents see it
    client.force_login(desk.contact.user)
    assert "Купите часы" not in client.get(f"/forum/{topic.pk}/").content.decode()
    client.force_login(desk.agents[1])
    client.post(f"/forum/{topic.pk}/moderate/", {"state": "hidden"})
    client.logout()
    assert client.get(f"/forum/{topic.pk}/").status_code == 404
    with pytest.raises(InvalidTransition):
        services.add_answer(
            topic=Topic.objects.get(pk=topic.pk), author=desk.manager.user, body="x"
        )
    client.force_login(desk.agents[1])
    client.post(f"/forum/{topic.pk}/moderate/", {"state": "bogus"})
    assert Topic.objects.get(pk=topic.pk).state == State.HIDDEN


def test_forum_list_queries_are_bounded(client, desk, django_assert_max_num_queries):
    for i in range(30):
        t = services.create_topic(author=desk.contact.user, title=f"Вопрос {i}", body="?")
        services.add_answer(topic=t, author=desk.agents[1], body="!")
    with django_assert_max_num_queries(8):
        response = client.get("/forum/")
    assert response.content.decode().count("topic-row") == 20
