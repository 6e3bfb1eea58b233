"""The ``tierdesk`` console script: every manage.py command, plus serve, worker, demo, mail,
token, cti and bench (management commands of the apps)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tierdesk.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["tierdesk", *argv])
    args[0] = "tierdesk"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
