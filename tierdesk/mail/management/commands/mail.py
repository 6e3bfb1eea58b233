"""``tierdesk mail pipe|poll|import|reprocess`` — thin adapters over the mail services.

``pipe`` exit statuses (sysexits.h, what MTAs understand):
0 stored (also: a duplicate, or kept as unprocessable for an admin), 75 EX_TEMPFAIL (database or
disk unavailable, or the mailbox is unknown/inactive: the MTA keeps the message and retries),
64 EX_USAGE (bad arguments).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

EX_OK = 0
EX_USAGE = 64
EX_TEMPFAIL = 75

log = logging.getLogger("tierdesk.mail")


class Command(BaseCommand):
    help = "E-mail intake: pipe (one message on stdin), poll (IMAP), import (files), reprocess."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pipe = sub.add_parser("pipe", help="read one RFC 822 message on stdin (MTA pipe)")
        pipe.add_argument("--mailbox", required=True, help="mailbox name (admin → Mailboxes)")
        pipe.add_argument("--file", default="-", help="read this file instead of stdin")
        poll = sub.add_parser("poll", help="fetch new mail from every active IMAP mailbox")
        poll.add_argument("--once", action="store_true", help="one pass, then exit")
        poll.add_argument("--mailbox", default=None, help="only this mailbox")
        poll.add_argument("--interval", type=float, default=60.0, help="seconds between passes")
        imp = sub.add_parser("import", help="import message files (.eml, one per file)")
        imp.add_argument("--mailbox", required=True)
        imp.add_argument("paths", nargs="+", help="files or directories of messages")
        rep = sub.add_parser("reprocess", help="process unprocessable messages again")
        rep.add_argument("ids", nargs="*", type=int, help="InboundMessage ids (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "pipe":
            sys.exit(self.pipe(options))
        if action == "poll":
            self.poll(options)
        elif action == "import":
            self.import_files(options)
        elif action == "reprocess":
            self.reprocess(options)

    # -------------------------------------------------------------- pipe

    def pipe(self, options: dict[str, Any]) -> int:
        from tierdesk.mail.importer import TemporaryFailure, import_message

        source = options["file"]
        try:
            raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as exc:
            self.stderr.write(f"tierdesk mail pipe: cannot read the message: {exc}")
            return EX_TEMPFAIL
        try:
            mailbox = self._mailbox(options["mailbox"])
            result = import_message(raw=raw, mailbox=mailbox, source="pipe")
        except TemporaryFailure as exc:
            self.stderr.write(f"tierdesk mail pipe: temporary failure, retry later: {exc}")
            return EX_TEMPFAIL
        except (DatabaseError, OSError) as exc:
            self.stderr.write(f"tierdesk mail pipe: temporary failure, retry later: {exc}")
            return EX_TEMPFAIL
        except CommandError as exc:
            self.stderr.write(f"tierdesk mail pipe: {exc}")
            return EX_TEMPFAIL
        inbound = result.inbound
        what = "duplicate of" if result.duplicate else "stored as"
        self.stdout.write(f"{what} inbound message {inbound.pk}: {inbound.state} {inbound.note}")
        return EX_OK

    def _mailbox(self, name: str) -> Any:
        from tierdesk.mail.models import Mailbox

        mailbox = Mailbox.objects.filter(name=name).first()
        if mailbox is None:
            known = ", ".join(Mailbox.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"no mailbox named {name!r} (known: {known})")
        if not mailbox.is_active:
            raise CommandError(f"mailbox {name!r} is not active")
        return mailbox

    # -------------------------------------------------------------- poll

    def poll(self, options: dict[str, Any]) -> None:
        from tierdesk.mail.imap import poll_all

        while True:
            for report in poll_all(only=options["mailbox"]):
                self.stdout.write(str(report))
            if options["once"]:
                return
            time.sleep(max(1.0, options["interval"]))

    # -------------------------------------------------------------- import

    def import_files(self, options: dict[str, Any]) -> None:
        from tierdesk.mail.importer import TemporaryFailure, import_message

        mailbox = self._mailbox(options["mailbox"])
        files: list[Path] = []
        for given in options["paths"]:
            path = Path(given)
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"no such file or directory: {given}")
        counts: dict[str, int] = {}
        for path in files:
            try:
                result = import_message(raw=path.read_bytes(), mailbox=mailbox, source="import")
            except TemporaryFailure as exc:
                raise CommandError(f"{path}: temporary failure, run again: {exc}") from exc
            key = "duplicate" if result.duplicate else result.state
            counts[key] = counts.get(key, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        self.stdout.write(f"{len(files)} files: {summary}")

    # -------------------------------------------------------------- reprocess

    def reprocess(self, options: dict[str, Any]) -> None:
        from tierdesk.mail.importer import reprocess
        from tierdesk.mail.models import InboundMessage, InboundState

        qs = InboundMessage.objects.filter(state=InboundState.UNPROCESSABLE)
        if options["ids"]:
            qs = InboundMessage.objects.filter(pk__in=options["ids"])
        for inbound in qs.order_by("pk"):
            result = reprocess(inbound=inbound)
            self.stdout.write(f"{inbound.pk}: {result.inbound.state} {result.inbound.note}")
