"""Background jobs of the portal: account mails (reset, invitation, registration)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_noop
from django_tasks import task

from tierdesk.accounts.models import User
from tierdesk.core.jobs import retry_later

log = logging.getLogger(__name__)

SUBJECTS = {
    "reset": gettext_noop("Password reset for the support portal"),
    "invite": gettext_noop("You are invited to the support portal"),
    "register": gettext_noop("Confirm your registration in the support portal"),
    "exists": gettext_noop("You already have a support portal login"),
}


def _link(kind: str, user: User | None, token: str) -> str:
    base = settings.SITE_URL
    if kind == "register":
        return f"{base}/portal/register/confirm/{token}/"
    assert user is not None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{base}/portal/password/set/{uid}/{default_token_generator.make_token(user)}/"


@task(queue_name="mail")
def send_account_mail(
    *,
    kind: str,
    to: str,
    language: str = "ru",
    user_id: int | None = None,
    token: str = "",
    attempt: int = 1,
) -> bool:
    """Send one account mail. The reset/invitation token is made here, from the user's current
    state, so a retried job sends a link that still works."""
    if kind not in SUBJECTS:
        log.error("unknown account mail %r", kind)
        return False
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if kind != "register" and user is None:
        return False  # the login was removed or disabled meanwhile: nothing to send
    with translation.override(language if language in ("ru", "en") else "ru"):
        context = {"link": _link(kind, user, token), "user": user, "site": settings.SITE_URL}
        subject = translation.gettext(SUBJECTS[kind])
        body = render_to_string(f"portal/mail/{kind}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        log.warning("account mail %s to %s failed (attempt %d)", kind, to, attempt)
        retry_later(
            send_account_mail,
            attempt=attempt,
            max_attempts=6,
            kind=kind,
            to=to,
            language=language,
            user_id=user_id,
            token=token,
        )
        return False
    return True
