"""Writes for organisations and contacts."""

from __future__ import annotations

import phonenumbers
from django.db import IntegrityError, transaction

from tierdesk.core.errors import InvalidInput
from tierdesk.customers.models import Contact, ContactEmail, Organization


def normalize_phone(raw: str, *, region: str = "RU") -> str:
    """Return ``raw`` in E.164, or raise InvalidInput when it is not a phone number."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(f"Not a phone number: {raw!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput(f"Not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def organization_for_email(email: str) -> Organization | None:
    domain = email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""
    if not domain:
        return None
    candidates = Organization.objects.exclude(email_domains="")
    if domain.isascii():
        # load only the organisations whose domain list mentions the domain, not every
        # organisation on each call; the exact check stays in Python. Non-ASCII domains keep
        # the full scan: SQLite's LIKE folds the case of ASCII letters only.
        candidates = candidates.filter(email_domains__icontains=domain)
    for org in candidates:
        if domain in org.domain_list():
            return org
    return None


def find_contact_by_email(email: str) -> Contact | None:
    email = email.strip().lower()
    if not email:
        return None
    row = ContactEmail.objects.select_related("contact").filter(email__iexact=email).first()
    if row:
        return row.contact
    return Contact.objects.filter(email__iexact=email).order_by("pk").first()


def get_or_create_contact_by_email(
    *, email: str, name: str = "", language: str | None = None
) -> Contact:
    """The contact who writes from ``email``; created (and put in his organisation by e-mail
    domain) the first time. Safe under concurrent calls for the same address."""
    email = email.strip().lower()
    if not email or "@" not in email:
        raise InvalidInput(f"Not an e-mail address: {email!r}")
    existing = find_contact_by_email(email)
    if existing:
        return existing
    org = organization_for_email(email)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                email=email,
                name=name.strip()[:200],
                organization=org,
                language=language or (org.language if org else "ru"),
            )
            ContactEmail.objects.create(contact=contact, email=email)
            return contact
    except IntegrityError:
        found = find_contact_by_email(email)
        if found is None:
            raise
        return found


def create_contact(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    organization: Organization | None = None,
    language: str = "ru",
    is_org_manager: bool = False,
) -> Contact:
    email = email.strip().lower()
    with transaction.atomic():
        contact = Contact.objects.create(
            name=name,
            email=email,
            phone=normalize_phone(phone),
            organization=organization,
            language=language,
            is_org_manager=is_org_manager,
        )
        if email:
            ContactEmail.objects.create(contact=contact, email=email)
    return contact
