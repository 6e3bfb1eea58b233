"""Plain factory functions for tests (no patching, real rows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tierdesk.accounts.models import Role, User
from tierdesk.categories.models import Category, IntakeField
from tierdesk.contracts.models import Contract, SupportPlan
from tierdesk.customers.models import Contact, ContactEmail, Organization
from tierdesk.devices.models import Device, Vendor
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import Team, Tier


@dataclasses.dataclass
class Desk:
    tiers: dict[int, Tier]
    teams: dict[int, Team]
    agents: dict[int, User]
    supervisor: User
    admin: User
    org: Organization
    other_org: Organization
    contact: Contact
    manager: Contact
    other_contact: Contact
    plan: SupportPlan
    contract: Contract
    category: Category
    vendor: Vendor
    device_in_warranty: Device
    device_out_of_warranty: Device

    def ticket(self, **kwargs: Any) -> Ticket:
        params: dict[str, Any] = {
            "subject": "Принтер не печатает",
            "body": "С утра принтер не печатает, горит оранжевый индикатор.",
            "requester": self.contact,
            "channel": "email",
            "category": self.category,
        }
        params.update(kwargs)
        return lifecycle.create_ticket(**params)


def make_user(
    username: str,
    *,
    role: str = Role.AGENT,
    tier: Tier | None = None,
    teams: list[Team] | None = None,
    password: str = "demo",
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        role=role,
        tier=tier,
        email=f"{username}@desk.example",
        first_name=username.upper(),
    )
    if teams:
        user.teams.set(teams)
    return user


def make_contact(
    email: str,
    org: Organization | None,
    *,
    name: str = "",
    manager: bool = False,
    login: bool = False,
    language: str = "ru",
) -> Contact:
    contact = Contact.objects.create(
        email=email,
        name=name or email.split("@")[0],
        organization=org,
        is_org_manager=manager,
        language=language,
    )
    ContactEmail.objects.create(contact=contact, email=email)
    if login:
        contact.user = make_user(email, role=Role.CUSTOMER)
        contact.save()
    return contact


def make_tiers(count: int = 4) -> dict[int, Tier]:
    return {
        level: Tier.objects.create(
            level=level,
            name=f"L{level}",
            name_en=f"L{level}",
            cost_rate=Decimal(1000 * level),
            billing_rate=Decimal(2000 * level),
            can_open_vendor_cases=level >= 3,
        )
        for level in range(1, count + 1)
    }


def make_desk(tier_count: int = 4) -> Desk:
    tiers = make_tiers(tier_count)
    teams = {lvl: Team.objects.create(name=f"Team L{lvl}", tier=t) for lvl, t in tiers.items()}
    agents = {lvl: make_user(f"l{lvl}", tier=t, teams=[teams[lvl]]) for lvl, t in tiers.items()}
    supervisor = make_user("supervisor", role=Role.SUPERVISOR)
    admin = make_user("admin", role=Role.ADMIN)
    for team in teams.values():
        team.supervisor = supervisor
        team.save()
    org = Organization.objects.create(name="Romashka", email_domains="romashka.example")
    other_org = Organization.objects.create(name="Vector", email_domains="vector.example")
    plan = SupportPlan.objects.create(name="Standard", covered_up_to=tiers[2])
    today = timezone.localdate()
    contract = Contract.objects.create(
        organization=org,
        plan=plan,
        number="C-1",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    category = Category.objects.create(
        name="Принтеры", name_en="Printers", default_tier=tiers[1], default_team=teams[1]
    )
    IntakeField.objects.create(
        category=category,
        name="device_model",
        label_ru="Модель",
        label_en="Device model",
        required=True,
        position=1,
    )
    IntakeField.objects.create(
        category=category,
        name="error_text",
        label_ru="Ошибка",
        label_en="Error text",
        required=False,
        position=2,
    )
    vendor = Vendor.objects.create(name="HP", email="support@hp.example")
    device_in = Device.objects.create(
        model="LaserJet",
        manufacturer=vendor,
        serial_number="A1",
        organization=org,
        warranty_end=today + dt.timedelta(days=100),
    )
    device_out = Device.objects.create(
        model="OldJet",
        manufacturer=vendor,
        serial_number="B2",
        organization=org,
        warranty_end=today - dt.timedelta(days=1),
    )
    return Desk(
        tiers=tiers,
        teams=teams,
        agents=agents,
        supervisor=supervisor,
        admin=admin,
        org=org,
        other_org=other_org,
        contact=make_contact("anna@romashka.example", org, name="Анна", login=True),
        manager=make_contact("boris@romashka.example", org, name="Борис", manager=True, login=True),
        other_contact=make_contact("petr@vector.example", other_org, name="Пётр", login=True),
        plan=plan,
        contract=contract,
        category=category,
        vendor=vendor,
        device_in_warranty=device_in,
        device_out_of_warranty=device_out,
    )


def handoff(**kwargs: Any) -> lifecycle.Handoff:
    values = {
        "problem": "Printer shows error 13.A2 and does not print",
        "data_collected": "Model LaserJet, serial A1",
        "diagnostics": "Restarted, checked the queue",
        "tried": "KB article 'Paper jam' did not help",
    }
    values.update(kwargs)
    return lifecycle.Handoff(**values)
