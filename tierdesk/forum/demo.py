"""Demo community forum: a few questions of customers with answers of customers and agents,
some accepted. Idempotent: a topic is created only when no topic has its title."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.categories.models import Category
from tierdesk.forum.models import Post, Topic

# (category name_en, language, author, title, body, [(author, body, accepted)], days ago)
TOPICS: list[tuple[str, str, str, str, str, list[tuple[str, str, bool]], int]] = [
    (
        "Printers and MFPs",
        "ru",
        "anna@demo.example",
        "Как сканировать сразу в PDF на МФУ HP?",
        "Сканирую договоры на МФУ HP Color LaserJet MFP M479, получаются отдельные JPG на "
        "каждую страницу. Можно ли сразу получить один PDF?",
        [
            (
                "boris@demo.example",
                "У нас так: на панели «Сканирование» → «В сетевую папку» → значок шестерёнки → "
                "«Тип файла» PDF. Многостраничный документ кладите в автоподатчик.",
                False,
            ),
            (
                "l1",
                "Всё верно. Ещё в параметрах включите «Многостраничный PDF» — тогда все листы "
                "из автоподатчика попадут в один файл. Настройку можно сохранить как ярлык.",
                True,
            ),
        ],
        12,
    ),
    (
        "Network and VPN",
        "ru",
        "boris@demo.example",
        "VPN отключается каждые 10 минут в гостинице",
        "В командировке VPN подключается, но каждые 10 минут отваливается. Дома и в офисе "
        "такого нет. Что можно сделать самому?",
        [
            (
                "l2",
                "Гостиничный Wi-Fi часто рвёт долгие UDP-соединения. Выберите профиль "
                "«Office-TCP» в VPN-клиенте — он работает через порт 443 и переживает такие "
                "сети. Если не поможет, создайте заявку: посмотрим журналы шлюза.",
                True,
            ),
            (
                "anna@demo.example",
                "Подтверждаю, профиль TCP помог и мне в аэропорту.",
                False,
            ),
        ],
        8,
    ),
    (
        "E-mail client",
        "en",
        "anna@demo.example",
        "Shared mailbox does not appear in Outlook",
        "I was given access to the sales@ shared mailbox yesterday, but it does not show up "
        "in Outlook on my laptop. Outlook on the web shows it.",
        [
            (
                "l1",
                "Access to a shared mailbox reaches Outlook for Windows within about an hour; "
                "restart Outlook after that. If it still does not appear, add it manually: "
                "File → Account Settings → Change → More Settings → Advanced → Add.",
                False,
            ),
        ],
        3,
    ),
    (
        "Accounting software",
        "ru",
        "boris@demo.example",
        "Нужно ли выходить из 1С перед обновлением конфигурации?",
        "Бухгалтерия спрашивает, обязательно ли всем выходить из 1С, когда вы ставите "
        "обновление вечером. Иногда кто-то забывает.",
        [],
        1,
    ),
    (
        "Laptops and PCs",
        "ru",
        "anna@demo.example",
        "Какую док-станцию выбрать для ThinkPad T14?",
        "Хотим взять док-станции для ноутбуков ThinkPad T14 Gen 4, чтобы подключать два "
        "монитора. Какие модели точно работают?",
        [
            (
                "l2",
                "С T14 Gen 4 проверены Lenovo ThinkPad Universal USB-C Dock (40AY) и "
                "Thunderbolt 4 Dock (40B0). Оба держат два монитора 4K. Обновите прошивку "
                "док-станции через Lenovo Vantage после подключения.",
                False,
            ),
        ],
        20,
    ),
]


def load(ctx: dict[str, Any]) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    if not users:
        return
    categories = {c.name_en: c for c in Category.objects.all()}
    now = timezone.now()
    for category_name, language, author, title, body, answers, days in TOPICS:
        if Topic.objects.filter(title=title).exists() or author not in users:
            continue
        created = now - dt.timedelta(days=days, hours=3)
        topic = Topic.objects.create(
            title=title,
            body=body,
            author=users[author],
            category=categories.get(category_name),
            language=language,
            created_at=created,
            last_activity_at=created,
        )
        moment = created
        accepted = None
        for number, (who, text, is_accepted) in enumerate(answers, start=1):
            if who not in users:
                continue
            moment = created + dt.timedelta(hours=2 * number)
            post = Post.objects.create(topic=topic, author=users[who], body=text, created_at=moment)
            if is_accepted:
                accepted = post
        Topic.objects.filter(pk=topic.pk).update(
            answer_count=topic.posts.count(), last_activity_at=moment, accepted_post=accepted
        )


def _usernames() -> set[str]:
    names = {t[2] for t in TOPICS}
    for topic in TOPICS:
        names |= {a[0] for a in topic[5]}
    return names
