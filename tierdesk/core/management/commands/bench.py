"""``tierdesk bench <topic> …`` runs the management command ``bench_<topic>``."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Benchmarks: tierdesk bench <topic> [args]; topics are the bench_<topic> commands."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("topic", nargs="?")
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv: list[str]) -> None:
        # Pass everything after the topic through untouched, options included.
        if len(argv) >= 3 and not argv[2].startswith("-"):
            topic = argv[2]
            name = f"bench_{topic}"
            if name not in get_commands():
                raise CommandError(
                    f"Unknown benchmark {topic!r}; known: {', '.join(self.topics())}"
                )
            from django.core.management import load_command_class

            command = load_command_class(get_commands()[name], name)
            command.run_from_argv([argv[0], name, *argv[3:]])
            return
        super().run_from_argv(argv)

    @staticmethod
    def topics() -> list[str]:
        return sorted(n[len("bench_") :] for n in get_commands() if n.startswith("bench_"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("topic"):
            call_command(f"bench_{options['topic']}", *options.get("args", []))
            return
        self.stdout.write("Benchmarks: " + (", ".join(self.topics()) or "none yet"))
