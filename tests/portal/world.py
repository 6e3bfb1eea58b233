"""A small world for portal, KB and forum tests: two organisations, their contacts, tickets
with public and internal entries and attachments, articles, forum topics, a quote."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.test import Client

from tests import factories
from tierdesk.customers.models import Contact
from tierdesk.forum import services as forum_services
from tierdesk.forum.models import Post, State, Topic
from tierdesk.kb.models import Article, Visibility
from tierdesk.tickets import lifecycle
from tierdesk.tickets.attachments import store_attachment
from tierdesk.tickets.models import Attachment, EntryKind, Ticket


@dataclasses.dataclass
class World:
    desk: factories.Desk
    anna: Contact  # Romashka, requester of ``ticket``
    boris: Contact  # Romashka, organisation manager
    elena: Contact  # Romashka, colleague, not a manager
    petr: Contact  # Vector, another organisation
    ticket: Ticket  # anna's open ticket with a public reply and an internal note
    resolved: Ticket  # anna's resolved ticket
    petr_ticket: Ticket
    public_file: Attachment  # on anna's first message
    reply_file: Attachment  # on the agent's public reply
    note_file: Attachment  # on an internal note: nobody outside support may get it
    article: Article
    internal_article: Article
    draft: Article
    topic: Topic  # anna's question
    post: Post  # petr's answer
    hidden_topic: Topic
    hidden_post: Post
    quote: Any = None

    @property
    def agent(self):  # type: ignore[no-untyped-def]
        return self.desk.agents[1]


def login(client: Client, contact_or_user: Any) -> Client:
    user = getattr(contact_or_user, "user", None) or contact_or_user
    client.force_login(user)
    return client


def build() -> World:
    desk = factories.make_desk()
    agent = desk.agents[1]
    elena = factories.make_contact("elena@romashka.example", desk.org, name="Елена", login=True)
    ticket = desk.ticket(subject="Принтер не печатает", channel="portal")
    first = ticket.entries.get(kind=EntryKind.CUSTOMER_MESSAGE)
    public_file = store_attachment(
        ticket=ticket,
        entry=first,
        filename="error.png",
        content=b"\x89PNG fake",
        content_type="image/png",
    )
    reply = lifecycle.reply(ticket=ticket, actor=agent, body="Перезапустите диспетчер печати.")
    reply_file = store_attachment(
        ticket=ticket, entry=reply, filename="howto.pdf", content=b"%PDF-1.4 howto"
    )
    note = lifecycle.add_note(ticket=ticket, actor=agent, body="СЕКРЕТНАЯ ЗАМЕТКА: пароль 1234")
    note_file = store_attachment(
        ticket=ticket, entry=note, filename="internal-dump.txt", content=b"internal only"
    )
    resolved = desk.ticket(subject="VPN не подключается", channel="portal")
    lifecycle.reply(ticket=resolved, actor=agent, body="Выберите профиль TCP.")
    lifecycle.resolve(ticket=resolved, actor=agent, resolution_code="solved")
    petr_ticket = desk.ticket(subject="Ноутбук Вектора", requester=desk.other_contact)
    article = Article.objects.create(
        title="Принтер перестал печатать",
        symptoms="Задания висят в очереди печати.",
        resolution="Перезапустите службу печати.",
    )
    internal_article = Article.objects.create(
        title="Сервисное меню принтера",
        symptoms="Пароль администратора принтера",
        resolution="Код 1-2-3.",
        visibility=Visibility.INTERNAL,
    )
    draft = Article.objects.create(
        title="Черновик про принтер", resolution="...", is_published=False
    )
    topic = forum_services.create_topic(
        author=desk.contact.user, title="Как сканировать в PDF?", body="Подскажите."
    )
    post = forum_services.add_answer(topic=topic, author=desk.other_contact.user, body="Так.")
    hidden_topic = forum_services.create_topic(
        author=desk.other_contact.user, title="Купите дешёвые часы", body="spam"
    )
    forum_services.moderate_topic(topic=hidden_topic, actor=agent, state=State.SPAM)
    hidden_post = forum_services.add_answer(topic=topic, author=desk.other_contact.user, body="x")
    forum_services.moderate_post(post=hidden_post, actor=agent, state=State.HIDDEN)
    quote = None
    try:
        from tierdesk.billing.services import create_quote

        quote = create_quote(
            ticket=ticket, tier=desk.tiers[3], estimated_minutes=120, actor=agent, send=False
        )
    except ImportError:
        pass
    return World(
        desk=desk,
        anna=desk.contact,
        boris=desk.manager,
        elena=elena,
        petr=desk.other_contact,
        ticket=ticket,
        resolved=resolved,
        petr_ticket=petr_ticket,
        public_file=public_file,
        reply_file=reply_file,
        note_file=note_file,
        article=article,
        internal_article=internal_article,
        draft=draft,
        topic=topic,
        post=post,
        hidden_topic=hidden_topic,
        hidden_post=hidden_post,
        quote=quote,
    )


def snapshot() -> dict[str, Any]:
    """Everything a forbidden request could change."""
    from django.core import mail

    from tierdesk.accounts.models import User
    from tierdesk.kb.models import Deflection
    from tierdesk.tickets.models import AuditEvent, Entry, WorkApproval

    return {
        "tickets": list(
            Ticket.objects.order_by("pk").values_list("pk", "status", "version", "csat_score")
        ),
        "entries": Entry.objects.count(),
        "attachments": Attachment.objects.count(),
        "audit": AuditEvent.objects.count(),
        "approvals": WorkApproval.objects.count(),
        "articles": list(
            Article.objects.order_by("pk").values_list(
                "pk", "title", "visibility", "is_published", "deflected_count"
            )
        ),
        "deflections": Deflection.objects.count(),
        "topics": list(
            Topic.objects.order_by("pk").values_list(
                "pk", "state", "accepted_post_id", "answer_count"
            )
        ),
        "posts": list(
            Post.objects.order_by("pk").values_list("pk", "state", "promoted_article_id")
        ),
        "users": User.objects.count(),
        "mails": len(getattr(mail, "outbox", [])),
    }
