"""``tierdesk cti token create NAME`` — a telephony integration and its token (last line)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tierdesk.core.errors import DomainError
from tierdesk.phone import services
from tierdesk.phone.models import CtiIntegration


class Command(BaseCommand):
    help = (
        "Telephony (CTI) integrations. 'cti token create NAME' creates an integration and "
        "prints its token alone on the last line; 'cti token list' lists them; "
        "'cti token rotate NAME' replaces a token; 'cti token disable NAME' switches one off."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["token"])
        parser.add_argument("action", choices=["create", "list", "rotate", "disable"])
        parser.add_argument("name", nargs="?", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        action, name = options["action"], options["name"]
        if action == "list":
            for item in CtiIntegration.objects.order_by("name"):
                state = "active" if item.is_active else "disabled"
                last = item.last_event_at.isoformat() if item.last_event_at else "never"
                self.stdout.write(f"{item.name}\t{item.token_prefix}…\t{state}\tlast event {last}")
            return
        if not name:
            raise CommandError(f"cti token {action} needs the integration's NAME.")
        if action == "create":
            try:
                integration, token = services.create_integration(name=name)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"Created telephony integration {integration.name!r}. Point the PBX at "
                "/api/v1/cti/events with 'Authorization: Bearer <token>' or at "
                "/api/v1/cti/<token>. The token is shown only now:"
            )
            self.stdout.write(token)
            return
        found = CtiIntegration.objects.filter(name__iexact=name).first()
        if found is None:
            raise CommandError(f"No telephony integration named {name!r}.")
        if action == "disable":
            found.is_active = False
            found.save(update_fields=["is_active"])
            self.stdout.write(f"Disabled {found.name!r}.")
            return
        token = services.set_new_token(integration=found)
        self.stdout.write(f"New token for {found.name!r} (the old one no longer works):")
        self.stdout.write(token)
