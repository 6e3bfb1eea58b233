"""``tierdesk token create USER [--scope read|write] [--name NAME]`` (USER: a username or a
customer's e-mail; the new token is printed alone on the last line), ``tierdesk token revoke
TOKEN`` (an id, a prefix or the token itself) and ``tierdesk token list [USER]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tierdesk.api import tokens
from tierdesk.api.models import ApiToken, Scope
from tierdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Personal API tokens: create, revoke, list."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token; prints it alone on the last line.")
        create.add_argument("user", help="A username or a customer's e-mail address.")
        create.add_argument("--scope", choices=Scope.values, default=Scope.READ)
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke", help="Revoke a token by id, prefix or the token itself.")
        revoke.add_argument("token")
        listing = sub.add_parser("list", help="List tokens (of one user).")
        listing.add_argument("user", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options)
            elif options["action"] == "revoke":
                token = tokens.find_token(options["token"])
                tokens.revoke_token(token=token)
                self.stdout.write(f"revoked token {token.pk} ({token.prefix}…) of {token.user}")
            else:
                self._list(options.get("user"))
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, options: dict[str, Any]) -> None:
        user = tokens.find_user(options["user"])
        row, raw = tokens.create_token(user=user, scope=options["scope"], name=options["name"])
        self.stdout.write(
            f"token {row.pk} for {user.username} (scope {row.scope}); it is shown only once:"
        )
        self.stdout.write(raw)

    def _list(self, who: str | None) -> None:
        qs = ApiToken.objects.select_related("user").order_by("user__username", "-pk")
        if who:
            qs = qs.filter(user=tokens.find_user(who))
        for t in qs[:1000]:
            state = "revoked" if t.revoked_at else "active"
            used = t.last_used_at.isoformat() if t.last_used_at else "never"
            self.stdout.write(
                f"{t.pk}\t{t.prefix}…\t{t.user.username}\t{t.scope}\t{state}\t"
                f"last used {used}\t{t.name}"
            )
