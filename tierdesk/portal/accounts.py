"""Customer logins for the portal: sign-in lookup, password reset, self-registration by an
allowed e-mail domain, invitations by agents, language preference.

Mails are sent by the ``portal.tasks.send_account_mail`` job after the transaction commits.
Registration and reset links are signed and expire; nothing is stored until a link is used.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tierdesk.accounts.models import Role, User
from tierdesk.core.errors import InvalidInput, NotPermitted
from tierdesk.customers.models import Contact
from tierdesk.customers.services import (
    find_contact_by_email,
    get_or_create_contact_by_email,
    organization_for_email,
)
from tierdesk.tickets import permissions

REGISTRATION_SALT = "tierdesk.portal.register"
REGISTRATION_MAX_AGE = 3 * 24 * 3600


def _normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email") from exc
    return email


def customer_login_for(email: str) -> User | None:
    """The active customer login of the contact who uses ``email`` (any of his addresses)."""
    email = (email or "").strip().lower()
    if not email:
        return None
    contact = find_contact_by_email(email)
    user = contact.user if contact is not None and contact.user_id else None
    if user is None:
        user = User.objects.filter(username__iexact=email, role=Role.CUSTOMER).first()
    if user is None or not user.is_active or user.role != Role.CUSTOMER:
        return None
    return user


def sign_in(request: HttpRequest, *, email: str, password: str) -> User | None:
    """Check a customer's e-mail and password; None when they do not match (staff accounts
    never sign in here)."""
    user = customer_login_for(email)
    if user is None:
        return None
    authenticated = authenticate(request, username=user.username, password=password)
    if authenticated is None or authenticated.pk != user.pk:
        return None
    return authenticated  # type: ignore[return-value]


def _enqueue_mail(**kwargs: Any) -> None:
    from tierdesk.portal.tasks import send_account_mail

    transaction.on_commit(lambda: send_account_mail.enqueue(**kwargs))


def request_password_reset(*, email: str) -> bool:
    """Mail a reset link when ``email`` belongs to a customer login. The caller shows the same
    answer either way, so the form does not reveal who has an account."""
    user = customer_login_for(email)
    if user is None:
        return False
    contact = Contact.objects.filter(user=user).first()
    _enqueue_mail(
        kind="reset",
        user_id=user.pk,
        to=email.strip().lower(),
        language=(contact.language if contact else user.language) or "ru",
    )
    return True


def may_self_register(email: str) -> bool:
    org = organization_for_email(email)
    return bool(org is not None and org.allow_self_registration)


def start_registration(*, email: str, name: str, language: str = "ru") -> str:
    """Step 1 of self-registration: mail a confirmation link to ``email``.

    Returns what happened ("sent", "exists", "not_allowed") for tests and logs; the page shows
    one neutral message for all three so it does not reveal customers or addresses."""
    email = _normalize_email(email)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise InvalidInput(_("Enter your name."), field="name")
    language = language if language in ("ru", "en") else "ru"
    existing = customer_login_for(email)
    if existing is not None:
        _enqueue_mail(kind="exists", user_id=existing.pk, to=email, language=language)
        return "exists"
    if not may_self_register(email):
        return "not_allowed"
    token = signing.dumps({"e": email, "n": name, "l": language}, salt=REGISTRATION_SALT)
    _enqueue_mail(kind="register", token=token, to=email, language=language)
    return "sent"


def read_registration(token: str) -> dict[str, str]:
    try:
        data = signing.loads(token, salt=REGISTRATION_SALT, max_age=REGISTRATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidInput(_("The confirmation link has expired; register again.")) from exc
    except signing.BadSignature as exc:
        raise InvalidInput(_("The confirmation link is not valid.")) from exc
    return {"email": str(data["e"]), "name": str(data["n"]), "language": str(data["l"])}


@transaction.atomic
def complete_registration(*, token: str, password: str) -> User:
    """Step 2: the address is confirmed; create the login and link it to the contact (an
    existing contact with that address, or a new one in the organisation of the domain)."""
    data = read_registration(token)
    email = data["email"]
    if not may_self_register(email):
        raise NotPermitted(_("Your organisation does not allow self-registration."))
    if customer_login_for(email) is not None:
        raise InvalidInput(_("This address already has a portal login; sign in or reset it."))
    contact = get_or_create_contact_by_email(
        email=email, name=data["name"], language=data["language"]
    )
    if contact.user_id is not None:
        raise InvalidInput(_("This address already has a portal login; sign in or reset it."))
    user = User(
        username=email,
        email=email,
        role=Role.CUSTOMER,
        first_name=data["name"].split(" ")[0][:150],
        last_name=" ".join(data["name"].split(" ")[1:])[:150],
        language=data["language"],
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise InvalidInput(_("This address already has a login; sign in or reset it.")) from exc
    if not contact.name:
        contact.name = data["name"]
    contact.user = user
    contact.save(update_fields=["user", "name", "updated_at"])
    return user


@transaction.atomic
def invite_contact(*, contact: Contact, actor: User | None) -> User:
    """An agent gives a contact a portal login: the contact gets a mail with a link to choose
    his password. Inviting again re-sends the link."""
    if not permissions.is_agent(actor):
        raise NotPermitted(_("Only support agents may invite customers."))
    email = _normalize_email(contact.email)
    user = contact.user
    if user is not None and user.role != Role.CUSTOMER:
        raise InvalidInput(_("This contact is linked to a staff account."))
    if user is None:
        if User.objects.filter(username__iexact=email).exists():
            raise InvalidInput(
                _("A login named %(email)s already exists; link it in the admin.")
                % {"email": email}
            )
        user = User(
            username=email,
            email=email,
            role=Role.CUSTOMER,
            first_name=(contact.name.split(" ")[0] if contact.name else "")[:150],
            last_name=" ".join(contact.name.split(" ")[1:])[:150],
            language=contact.language,
        )
        user.set_unusable_password()
        user.save()
        contact.user = user
        contact.save(update_fields=["user", "updated_at"])
    elif not user.is_active:
        raise InvalidInput(_("This contact's login is disabled."))
    _enqueue_mail(kind="invite", user_id=user.pk, to=email, language=contact.language or "ru")
    return user


def set_contact_language(*, contact: Contact, language: str) -> None:
    """The customer's language: portal pages and the mails he receives."""
    if language not in ("ru", "en"):
        raise InvalidInput(_("Language must be ru or en."), field="language")
    Contact.objects.filter(pk=contact.pk).update(language=language)
    if contact.user_id:
        User.objects.filter(pk=contact.user_id).update(language=language)
    contact.language = language
