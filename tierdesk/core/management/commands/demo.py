from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from tierdesk.core.demo_loader import load_all


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            load_all(stdout=self.stdout)
        self.stdout.write(
            "Demo logins (password 'demo'): agents l1 l2 l3 l4, supervisor, admin; "
            "customers anna@demo.example, boris@demo.example"
        )
