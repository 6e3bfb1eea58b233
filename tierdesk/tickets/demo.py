"""Foundation demo data: tiers, teams, agents, customers, plans, devices, categories and about
200 tickets in every status with escalation histories up to L4 and to a vendor.

Idempotent: when the demo organisation exists nothing is loaded again.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tierdesk.accounts.models import Role, User
from tierdesk.categories.models import Category, FieldType, IntakeField
from tierdesk.contracts.models import Contract, SupportPlan
from tierdesk.core import clock
from tierdesk.core.errors import DomainError
from tierdesk.customers.models import Contact, ContactEmail, Organization
from tierdesk.devices.models import Device, Vendor
from tierdesk.sla.models import BusinessCalendar
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import ApprovalKind, Status, Ticket
from tierdesk.tiers.models import Team, Tier

PASSWORD = "demo"

TIERS = [
    (1, "L1 — Первая линия", "L1 — First line", "900", "1500", False),
    (2, "L2 — Вторая линия", "L2 — Second line", "1500", "2500", False),
    (3, "L3 — Эксперты", "L3 — Experts", "2500", "4000", False),
    (4, "L4 — Инженерная группа", "L4 — Engineering", "4000", "6000", False),
]
TEAMS = [
    ("L1 Service Desk", 1, "general"),
    ("L2 Networks", 2, "networks"),
    ("L2 Workplace", 2, "workstations"),
    ("L3 Experts", 3, "experts"),
    ("L4 Engineering", 4, "engineering"),
]

# name_ru, name_en, covered by warranty, team, fields (name, ru, en, type, choices, required)
CATEGORIES: list[tuple[str, str, bool, str, list[tuple[str, str, str, str, list[str], bool]]]] = [
    (
        "Принтеры и МФУ",
        "Printers and MFPs",
        True,
        "L1 Service Desk",
        [
            ("device_model", "Модель устройства", "Device model", "text", [], True),
            ("serial", "Серийный номер", "Serial number", "text", [], True),
            (
                "error_text",
                "Текст ошибки на дисплее",
                "Error text on the display",
                "text",
                [],
                False,
            ),
            ("connection", "Подключение", "Connection", "choice", ["USB", "LAN", "Wi-Fi"], False),
        ],
    ),
    (
        "Сеть и VPN",
        "Network and VPN",
        False,
        "L1 Service Desk",
        [
            ("location", "Офис / адрес", "Office / address", "text", [], True),
            (
                "affected_users",
                "Сколько пользователей затронуто",
                "Users affected",
                "number",
                [],
                True,
            ),
            ("vpn_client", "VPN-клиент и версия", "VPN client and version", "text", [], False),
        ],
    ),
    (
        "Почтовый клиент",
        "E-mail client",
        False,
        "L1 Service Desk",
        [
            (
                "client",
                "Почтовая программа",
                "Mail program",
                "choice",
                ["Outlook", "Thunderbird", "Apple Mail", "Web"],
                True,
            ),
            ("os_version", "Версия ОС", "OS version", "text", [], True),
            ("error_text", "Текст ошибки", "Error text", "textarea", [], False),
        ],
    ),
    (
        "Мобильные телефоны",
        "Mobile phones",
        True,
        "L1 Service Desk",
        [
            ("device_model", "Модель телефона", "Phone model", "text", [], True),
            ("imei", "IMEI", "IMEI", "text", [], True),
            ("os_version", "Версия ОС", "OS version", "text", [], False),
        ],
    ),
    (
        "Бухгалтерское ПО",
        "Accounting software",
        False,
        "L1 Service Desk",
        [
            ("product_version", "Версия программы", "Program version", "text", [], True),
            ("database_name", "Информационная база", "Database name", "text", [], True),
            ("error_text", "Текст ошибки", "Error text", "textarea", [], False),
        ],
    ),
    (
        "Ноутбуки и ПК",
        "Laptops and PCs",
        True,
        "L1 Service Desk",
        [
            ("device_model", "Модель", "Model", "text", [], True),
            ("serial", "Серийный номер", "Serial number", "text", [], True),
            ("os_version", "Версия ОС", "OS version", "text", [], False),
        ],
    ),
    (
        "Серверы и СХД",
        "Servers and storage",
        True,
        "L1 Service Desk",
        [
            ("hostname", "Имя сервера", "Host name", "text", [], True),
            ("serial", "Серийный номер", "Serial number", "text", [], True),
            ("log_excerpt", "Фрагмент журнала", "Log excerpt", "textarea", [], False),
        ],
    ),
    (
        "Учётные записи и доступ",
        "Accounts and access",
        False,
        "L1 Service Desk",
        [
            ("login", "Логин пользователя", "User login", "text", [], True),
            ("system", "Система", "System", "text", [], True),
        ],
    ),
    (
        "Телефония",
        "Telephony",
        True,
        "L1 Service Desk",
        [
            ("extension", "Внутренний номер", "Extension", "text", [], True),
            ("phone_model", "Модель телефона", "Phone model", "text", [], False),
        ],
    ),
    (
        "Видеоконференции",
        "Video conferencing",
        False,
        "L1 Service Desk",
        [
            ("room", "Переговорная", "Meeting room", "text", [], True),
            (
                "platform",
                "Платформа",
                "Platform",
                "choice",
                ["Zoom", "Teams", "Jitsi", "Другое"],
                False,
            ),
        ],
    ),
]

# category index → list of (subject, body, intake) in Russian and English
TEXTS: dict[int, list[tuple[str, str, str]]] = {
    0: [
        (
            "ru",
            "Принтер не печатает, горит оранжевый индикатор",
            "Добрый день! С утра принтер HP LaserJet в бухгалтерии перестал печатать. Задания "
            "висят в очереди, на принтере горит оранжевый индикатор. Перезагрузка не помогла.",
        ),
        (
            "ru",
            "МФУ замяло бумагу и показывает ошибку 13.A2",
            "При печати договора МФУ зажевало лист, после извлечения бумаги на дисплее осталась "
            "ошибка 13.A2. Печать и сканирование недоступны.",
        ),
        (
            "en",
            "Printer prints blank pages",
            "Hello, our office printer started printing blank pages after the toner was replaced "
            "yesterday. The test page is blank too.",
        ),
    ],
    1: [
        (
            "ru",
            "Не подключается VPN из дома",
            "Не могу подключиться к корпоративному VPN из дома: клиент пишет «Превышено время "
            "ожидания». Вчера всё работало.",
        ),
        (
            "ru",
            "В офисе на Ленина пропал интернет",
            "Во всём офисе на ул. Ленина нет интернета с 10:15. Роутер перезагружали, индикатор "
            "WAN не горит.",
        ),
        (
            "en",
            "Wi-Fi drops every few minutes in meeting room",
            "The Wi-Fi in meeting room B disconnects every few minutes, laptops reconnect and "
            "calls freeze.",
        ),
    ],
    2: [
        (
            "ru",
            "Outlook не отправляет письма",
            "Outlook перестал отправлять письма: они остаются в «Исходящих», ошибка 0x800CCC0F.",
        ),
        (
            "en",
            "Thunderbird keeps asking for password",
            "Since this morning Thunderbird asks for my password every few minutes and does not "
            "download new mail.",
        ),
        (
            "ru",
            "Не приходят письма от контрагента",
            "Письма от ООО «Ромашка» перестали доходить до нашего ящика, у них отправка проходит "
            "без ошибок.",
        ),
    ],
    3: [
        (
            "ru",
            "Телефон не заряжается",
            "Служебный телефон Samsung Galaxy A54 перестал заряжаться, кабель и зарядку меняли.",
        ),
        (
            "en",
            "Corporate mail not syncing on iPhone",
            "After the iOS update corporate mail stopped syncing on my iPhone 14.",
        ),
    ],
    4: [
        (
            "ru",
            "1С: ошибка при проведении документов",
            "При проведении реализации 1С:Бухгалтерия выдаёт «Ошибка блокировки объекта». "
            "Работать невозможно, закрываем квартал.",
        ),
        (
            "ru",
            "Не формируется отчёт НДС",
            "После обновления конфигурации не формируется декларация по НДС, программа "
            "зависает на 80%.",
        ),
        (
            "en",
            "Accounting software crashes on start",
            "The accounting program crashes right after the splash screen on two workstations.",
        ),
    ],
    5: [
        (
            "ru",
            "Ноутбук не включается",
            "Ноутбук Lenovo ThinkPad T14 не включается, индикатор питания мигает три раза.",
        ),
        (
            "en",
            "Laptop overheats and shuts down",
            "My laptop gets very hot and shuts down during video calls.",
        ),
        (
            "ru",
            "Синий экран при загрузке",
            "Компьютер бухгалтера при загрузке показывает синий экран CRITICAL_PROCESS_DIED.",
        ),
    ],
    6: [
        (
            "ru",
            "Сервер СХД сообщает о деградации массива",
            "На СХД в серверной загорелся янтарный индикатор, в веб-интерфейсе массив RAID6 в "
            "состоянии Degraded.",
        ),
        (
            "en",
            "Server fan failure alert",
            "Monitoring reports a fan failure on server srv-db01, temperature is rising.",
        ),
    ],
    7: [
        (
            "ru",
            "Заблокирована учётная запись",
            "Новому сотруднику не удаётся войти: учётная запись заблокирована после ввода пароля.",
        ),
        (
            "en",
            "Need access to shared folder",
            "Please grant me read access to the Finance shared folder.",
        ),
    ],
    8: [
        (
            "ru",
            "IP-телефон не регистрируется",
            "IP-телефон на ресепшене показывает «Не зарегистрирован», входящие не проходят.",
        ),
        (
            "en",
            "Echo on calls from the conference phone",
            "Customers hear an echo when we call from the conference phone.",
        ),
    ],
    9: [
        (
            "ru",
            "Нет звука в переговорной",
            "В большой переговорной при видеозвонке собеседники нас не слышат, микрофон не "
            "определяется.",
        ),
        (
            "en",
            "Camera not detected in Teams",
            "The room camera is not detected by Teams, other apps see it.",
        ),
    ],
}

INTAKE_SAMPLES = {
    "device_model": "HP LaserJet Pro M404dn",
    "serial": "VNB3K12345",
    "error_text": "13.A2 Paper jam",
    "connection": "LAN",
    "location": "ул. Ленина, 10",
    "affected_users": "12",
    "vpn_client": "OpenVPN Connect 3.4",
    "client": "Outlook",
    "os_version": "Windows 11 23H2",
    "imei": "356938035643809",
    "product_version": "3.0.150.21",
    "database_name": "buh_main",
    "hostname": "srv-db01",
    "log_excerpt": "disk 3 predictive failure",
    "login": "ivanov.p",
    "system": "Active Directory",
    "extension": "2104",
    "phone_model": "Yealink T54W",
    "room": "Большая переговорная",
    "platform": "Teams",
}

REPLIES_RU = [
    "Здравствуйте! Спасибо за обращение. Уточните, пожалуйста, модель и серийный номер.",
    "Мы проверили настройки, попробуйте, пожалуйста, перезапустить службу и повторить.",
    "Проблема воспроизведена, передаём специалистам второй линии.",
]
REPLIES_EN = [
    "Hello! Thank you for contacting us. Could you send the model and serial number?",
    "We checked the settings; please restart the service and try again.",
    "We reproduced the problem and passed it to our second line.",
]
NOTES = [
    "Клиент на связи до 18:00, просит звонить на мобильный.",
    "Checked the logs: the error started after last night's update.",
    "Похоже на аппаратную неисправность, нужен выезд или замена.",
]


def _user(
    username: str,
    *,
    role: str,
    tier: Tier | None,
    first: str,
    last: str,
    teams: list[Team] | None = None,
    superuser: bool = False,
    lang: str = "ru",
) -> User:  # type: ignore[assignment]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "tier": tier,
            "first_name": first,
            "last_name": last,
            "email": f"{username}@tierdesk.local" if role != Role.CUSTOMER else "",
            "is_staff": role in (Role.ADMIN, Role.SUPERVISOR),
            "is_superuser": superuser,
            "language": lang,
        },
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
        if teams:
            user.teams.set(teams)
    return user


def load(ctx: dict[str, Any]) -> None:
    if Organization.objects.filter(name="ООО «Ромашка»").exists():
        ctx["skipped"] = True
        return
    rnd = random.Random(20261125)
    tiers = {}
    for level, name, name_en, cost, bill, approval in TIERS:
        tiers[level], _ = Tier.objects.get_or_create(
            level=level,
            defaults={
                "name": name,
                "name_en": name_en,
                "cost_rate": Decimal(cost),
                "billing_rate": Decimal(bill),
                "requires_approval": approval,
                "can_open_vendor_cases": level >= 3,
            },
        )
    teams: dict[str, Team] = {}
    for name, level, skill in TEAMS:
        teams[name], _ = Team.objects.get_or_create(
            name=name, defaults={"tier": tiers[level], "skill": skill}
        )
    supervisor = _user(
        "supervisor",
        role=Role.SUPERVISOR,
        tier=None,
        first="Светлана",
        last="Орлова",
        teams=list(teams.values()),
    )
    admin = _user(
        "admin", role=Role.ADMIN, tier=None, first="Админ", last="Системный", superuser=True
    )
    agents = {
        1: _user(
            "l1",
            role=Role.AGENT,
            tier=tiers[1],
            first="Ольга",
            last="Первова",
            teams=[teams["L1 Service Desk"]],
        ),
        2: _user(
            "l2",
            role=Role.AGENT,
            tier=tiers[2],
            first="Дмитрий",
            last="Вторых",
            teams=[teams["L2 Networks"], teams["L2 Workplace"]],
        ),
        3: _user(
            "l3",
            role=Role.AGENT,
            tier=tiers[3],
            first="Игорь",
            last="Третьяков",
            teams=[teams["L3 Experts"]],
            lang="en",
        ),
        4: _user(
            "l4",
            role=Role.AGENT,
            tier=tiers[4],
            first="Мария",
            last="Четверикова",
            teams=[teams["L4 Engineering"]],
        ),
    }
    for team in teams.values():
        team.supervisor = supervisor
        team.save()

    cal8x5, _ = BusinessCalendar.objects.get_or_create(
        name="8x5 Москва", defaults={"timezone": "Europe/Moscow"}
    )
    cal24, _ = BusinessCalendar.objects.get_or_create(
        name="24x7",
        defaults={"timezone": "UTC", "is_24x7": True, "weekly_hours": {}, "holiday_country": ""},
    )
    basic = SupportPlan.objects.create(
        name="Базовый",
        covered_up_to=tiers[1],
        included_hours_per_month=Decimal("2"),
        calendar=cal8x5,
        description="L1 бесплатно, далее — почасовая оплата",
    )
    standard = SupportPlan.objects.create(
        name="Стандарт",
        covered_up_to=tiers[2],
        included_hours_per_month=Decimal("10"),
        calendar=cal8x5,
        description="L1–L2 по договору, 10 часов в месяц",
    )
    premium = SupportPlan.objects.create(
        name="Премиум 24x7",
        covered_up_to=tiers[4],
        included_hours_per_month=Decimal("40"),
        calendar=cal24,
        description="Все линии поддержки круглосуточно",
    )

    today = timezone.localdate()
    romashka = Organization.objects.create(
        name="ООО «Ромашка»",
        email_domains="demo.example,romashka.example",
        allow_self_registration=True,
    )
    vector = Organization.objects.create(
        name="АО «Вектор»", email_domains="vector.example", language="ru"
    )
    northwind = Organization.objects.create(
        name="Northwind Traders",
        email_domains="northwind.example",
        language="en",
        billing_allowed=False,
    )
    Contract.objects.create(
        organization=romashka,
        plan=standard,
        number="СТ-2026/014",
        starts_on=today - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=65),
    )
    Contract.objects.create(
        organization=vector,
        plan=premium,
        number="ПР-2026/003",
        starts_on=today - dt.timedelta(days=120),
    )
    Contract.objects.create(
        organization=northwind,
        plan=basic,
        number="NW-2025-77",
        starts_on=today - dt.timedelta(days=500),
        ends_on=today + dt.timedelta(days=200),
    )

    def customer(
        email: str,
        name: str,
        org: Organization,
        lang: str = "ru",
        manager: bool = False,
        login: bool = False,
        phone: str = "",
    ) -> Contact:
        contact = Contact.objects.create(
            email=email,
            name=name,
            organization=org,
            language=lang,
            is_org_manager=manager,
            phone=phone,
        )
        ContactEmail.objects.create(contact=contact, email=email)
        if login:
            contact.user = _user(
                email,
                role=Role.CUSTOMER,
                tier=None,
                first=name.split()[0],
                last=name.split()[-1],
                lang=lang,
            )
            contact.user.email = email
            contact.user.save()
            contact.save()
        return contact

    contacts = [
        customer("anna@demo.example", "Анна Смирнова", romashka, login=True, phone="+74951234567"),
        customer(
            "boris@demo.example",
            "Борис Кузнецов",
            romashka,
            manager=True,
            login=True,
            phone="+79161234567",
        ),
        customer("elena@romashka.example", "Елена Попова", romashka),
        customer("petr@vector.example", "Пётр Васильев", vector, phone="+78124567890"),
        customer("olga@vector.example", "Ольга Новикова", vector, manager=True),
        customer(
            "john@northwind.example", "John Miller", northwind, lang="en", phone="+442071234567"
        ),
        customer("sarah@northwind.example", "Sarah Connor", northwind, lang="en"),
    ]

    hp = Vendor.objects.create(
        name="HP Inc.",
        email="support@hp.vendor.example",
        reply_to="vendor-hp@tierdesk.local",
        turnaround_hours=48,
    )
    lenovo = Vendor.objects.create(
        name="Lenovo",
        email="cases@lenovo.vendor.example",
        reply_to="vendor-lenovo@tierdesk.local",
        turnaround_hours=72,
    )
    devices = [
        Device.objects.create(
            model="HP LaserJet Pro M404dn",
            manufacturer=hp,
            serial_number="VNB3K12345",
            organization=romashka,
            purchase_date=today - dt.timedelta(days=200),
            warranty_end=today + dt.timedelta(days=530),
        ),
        Device.objects.create(
            model="HP Color LaserJet MFP M479",
            manufacturer=hp,
            serial_number="CNB8M55511",
            organization=romashka,
            purchase_date=today - dt.timedelta(days=1400),
            warranty_end=today - dt.timedelta(days=305),
        ),
        Device.objects.create(
            model="Lenovo ThinkPad T14 Gen 4",
            manufacturer=lenovo,
            serial_number="PF4ABCDE",
            organization=vector,
            purchase_date=today - dt.timedelta(days=90),
            warranty_end=today + dt.timedelta(days=1000),
        ),
        Device.objects.create(
            model="Lenovo ThinkSystem SR650",
            manufacturer=lenovo,
            serial_number="J30ABC12",
            organization=vector,
            purchase_date=today - dt.timedelta(days=1200),
            warranty_end=today - dt.timedelta(days=100),
        ),
        Device.objects.create(
            model="HP EliteBook 840 G9",
            manufacturer=hp,
            serial_number="5CG2345XYZ",
            organization=northwind,
            purchase_date=today - dt.timedelta(days=400),
            warranty_end=today + dt.timedelta(days=330),
        ),
    ]

    categories = []
    for name, name_en, warranty, team_name, fields in CATEGORIES:
        cat = Category.objects.create(
            name=name,
            name_en=name_en,
            covered_by_warranty=warranty,
            default_tier=tiers[1],
            default_team=teams[team_name],
        )
        for pos, (fname, ru, en, ftype, choices, required) in enumerate(fields):
            IntakeField.objects.create(
                category=cat,
                name=fname,
                label_ru=ru,
                label_en=en,
                field_type=FieldType(ftype),
                choices=choices,
                required=required,
                position=pos,
            )
        categories.append(cat)

    ctx.update(
        tiers=tiers,
        teams=teams,
        agents=agents,
        supervisor=supervisor,
        admin=admin,
        contacts=contacts,
        devices=devices,
        categories=categories,
        organizations=[romashka, vector, northwind],
        vendors=[hp, lenovo],
    )
    _tickets(ctx, rnd)


def _tickets(ctx: dict[str, Any], rnd: random.Random) -> None:
    tiers: dict[int, Tier] = ctx["tiers"]
    agents: dict[int, User] = ctx["agents"]
    supervisor: User = ctx["supervisor"]
    contacts: list[Contact] = ctx["contacts"]
    categories: list[Category] = ctx["categories"]
    devices: list[Device] = ctx["devices"]
    start = timezone.now() - dt.timedelta(days=60)
    outcomes = (
        ["new"] * 25
        + ["open"] * 30
        + ["pending_customer"] * 20
        + ["pending_vendor"] * 12
        + ["resolved"] * 35
        + ["closed"] * 60
        + ["reopened"] * 8
        + ["spam"] * 5
        + ["escalated"] * 5
    )
    rnd.shuffle(outcomes)
    for i, outcome in enumerate(outcomes):
        moment = start + dt.timedelta(minutes=i * 420 + rnd.randint(0, 200))
        cat_index = rnd.randrange(len(categories))
        lang, subject, body = rnd.choice(TEXTS[cat_index])
        pool = [c for c in contacts if c.language == lang] or contacts
        requester = rnd.choice(pool)
        category = categories[cat_index]
        org_devices = [d for d in devices if d.organization_id == requester.organization_id]
        device = rnd.choice(org_devices) if org_devices and rnd.random() < 0.6 else None
        intake = {
            f.name: INTAKE_SAMPLES.get(f.name, "")
            for f in category.fields.all()
            if rnd.random() < 0.7 and f.field_type != FieldType.CHOICE
        }
        depth = 1
        if outcome in ("resolved", "closed", "pending_vendor", "open", "escalated"):
            depth = rnd.choices([1, 2, 3, 4], weights=[55, 25, 13, 7])[0]
        if outcome == "pending_vendor":
            depth = max(depth, 3)
        with clock.as_of(moment):
            ticket = lifecycle.create_ticket(
                subject=subject,
                body=body,
                requester=requester,
                channel=rnd.choice(["email", "email", "portal", "phone", "api"]),
                category=category,
                device=device,
                impact=rnd.choice([1, 2, 2, 3]),
                urgency=rnd.choice([1, 2, 2, 3]),
                intake_data=intake,
                language=lang,
            )
        step = dt.timedelta(minutes=rnd.randint(15, 120))
        moment += step
        if outcome == "new":
            continue
        if outcome == "spam":
            with clock.as_of(moment):
                lifecycle.change_status(ticket=ticket, actor=agents[1], status=Status.SPAM)
            continue
        replies = REPLIES_EN if lang == "en" else REPLIES_RU
        with clock.as_of(moment):
            lifecycle.take(ticket=ticket, actor=agents[1])
            lifecycle.reply(ticket=ticket, actor=agents[1], body=replies[0])
            if rnd.random() < 0.5:
                lifecycle.add_note(ticket=ticket, actor=agents[1], body=rnd.choice(NOTES))
        # complete the intake so escalation is allowed
        missing = {
            f.name: INTAKE_SAMPLES.get(f.name) or "—"
            for f in category.fields.all()
            if f.required and not ticket.intake_data.get(f.name)
        }
        for f in category.fields.all():
            if f.name in missing and f.field_type == FieldType.CHOICE:
                missing[f.name] = f.choices[0]
            if f.name in missing and f.field_type == FieldType.NUMBER:
                missing[f.name] = "3"
        if missing:
            with clock.as_of(moment):
                lifecycle.update_details(ticket=ticket, actor=agents[1], intake_data=missing)
        for level in range(2, depth + 1):
            moment += dt.timedelta(minutes=rnd.randint(30, 600))
            with clock.as_of(moment):
                handoff = lifecycle.Handoff(
                    problem=f"{subject}: проблема не решается стандартными средствами L{level - 1}",
                    data_collected="; ".join(f"{k}={v}" for k, v in ticket.intake_data.items()),
                    diagnostics="Проверены журналы, перезапуск служб, проверка подключения.",
                    tried="Стандартное решение из базы знаний не помогло.",
                )
                try:
                    lifecycle.escalate(
                        ticket=ticket,
                        actor=agents[level - 1],
                        to_tier=tiers[level],
                        handoff=handoff,
                        reason="Нужна экспертиза следующей линии",
                    )
                except DomainError:
                    lifecycle.escalate(
                        ticket=ticket,
                        actor=supervisor,
                        to_tier=tiers[level],
                        handoff=handoff,
                        billing_override=True,
                        reason="Согласовано руководителем",
                    )
                lifecycle.accept_escalation(ticket=ticket, actor=agents[level])
        final_agent = agents[ticket.tier.level]
        moment += dt.timedelta(minutes=rnd.randint(30, 900))
        with clock.as_of(moment):
            if outcome == "pending_vendor" or (
                outcome == "closed" and depth >= 3 and rnd.random() < 0.4
            ):
                vendor = devices[0].manufacturer if devices[0].manufacturer else None
                lifecycle.send_to_vendor(
                    ticket=ticket,
                    actor=agents[3] if ticket.tier.level >= 3 else supervisor,
                    vendor_name=str(vendor or "HP Inc."),
                    handoff=lifecycle.Handoff(problem=f"Vendor fault suspected: {subject}"),
                )
                if outcome == "pending_vendor":
                    continue
                lifecycle.add_vendor_message(
                    ticket=ticket,
                    vendor_name=str(vendor),
                    body="We confirmed the defect; a firmware fix is attached. Case #HP-55812.",
                )
            if outcome == "pending_customer":
                lifecycle.reply(
                    ticket=ticket,
                    actor=final_agent,
                    body=replies[1],
                    new_status=Status.PENDING_CUSTOMER,
                )
                continue
            if outcome in ("open", "escalated"):
                continue
            lifecycle.reply(ticket=ticket, actor=final_agent, body=replies[1])
            lifecycle.resolve(
                ticket=ticket,
                actor=final_agent,
                resolution_code=rnd.choice(["solved", "kb_solution", "workaround"]),
                note="Решено",
            )
        if outcome in ("closed", "reopened"):
            moment += dt.timedelta(days=rnd.randint(1, 3))
            with clock.as_of(moment):
                if outcome == "reopened":
                    lifecycle.reopen(
                        ticket=ticket, contact=ticket.requester, reason="Проблема повторилась"
                    )
                else:
                    if rnd.random() < 0.6:
                        lifecycle.record_csat(
                            ticket=ticket,
                            contact=ticket.requester,
                            score=rnd.choice([3, 4, 5, 5, 5]),
                        )
                    lifecycle.close(ticket=ticket, actor=final_agent)
    # a ticket waiting for paid L3 work approved by the customer
    t = Ticket.objects.filter(
        organization__name="ООО «Ромашка»", status=Status.OPEN, tier__level=2
    ).first()
    if t is not None:
        lifecycle.record_work_approval(
            ticket=t,
            tier=tiers[3],
            kind=ApprovalKind.CUSTOMER,
            contact=t.requester,
            estimated_minutes=120,
            note="Согласовано по письму от клиента",
        )
