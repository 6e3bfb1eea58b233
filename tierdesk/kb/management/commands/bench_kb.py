"""``tierdesk bench kb [--articles N] [--repeat R]``: knowledge-base search speed.

Adds N synthetic articles (Russian and English, built from the demo articles' vocabulary) to
the configured database inside a transaction that is rolled back at the end, then times
``search_articles`` for typical queries: short Russian and English word forms, a long
description typed into the portal (AND, then OR with the coverage filter), a prefix while
typing, and the first page of the KB index.
"""

from __future__ import annotations

import functools
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from tierdesk.kb import selectors
from tierdesk.kb.demo import ARTICLES
from tierdesk.kb.models import Article, Visibility

QUERIES: list[tuple[str, str, bool]] = [
    ("ru, 2 words", "принтер не печатает", False),
    ("ru, other forms", "печатала принтеры", False),
    ("en, 3 words", "printing blank pages", False),
    (
        "ru, long description",
        "С утра задания висят в очереди печати, горит оранжевый индикатор, перезагрузка не помогла",
        True,
    ),
    ("prefix while typing", "vpn подключ", True),
    ("no match", "абракадабра xyzzy", False),
]


class Command(BaseCommand):
    help = "Time knowledge-base full-text search (data is rolled back afterwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        count, repeat = options["articles"], options["repeat"]
        with transaction.atomic():
            started = time.perf_counter()
            self._fill(count)
            filled = time.perf_counter() - started
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE kb_article")
            total = Article.objects.count()
            self.stdout.write(
                f"{connection.vendor}: {total} articles ({count} added in {filled:.1f} s, "
                f"{count / filled:.0f}/s incl. indexing)"
            )
            self.stdout.write("| query | hits | p50 | p95 |")
            self.stdout.write("|---|---|---|---|")
            for label, text, prefix in QUERIES:
                hits = len(selectors.search_articles(text, prefix=prefix, limit=10))
                p50, p95 = self._time(
                    functools.partial(selectors.search_articles, text, prefix=prefix, limit=10),
                    repeat,
                )
                self.stdout.write(f"| {label} | {hits} | {p50:.1f} ms | {p95:.1f} ms |")
            p50, p95 = self._time(lambda: list(selectors.list_articles()[:20]), repeat)
            self.stdout.write(f"| KB index, first page | 20 | {p50:.1f} ms | {p95:.1f} ms |")
            transaction.set_rollback(True)

    @staticmethod
    def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
        fn()  # warm up
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]

    @staticmethod
    def _fill(count: int) -> None:
        rnd = random.Random(42)
        words: dict[str, list[str]] = {"ru": [], "en": []}
        for row in ARTICLES:
            words[row[1]].extend(" ".join(row[3:7]).split())
        batch = []
        for i in range(count):
            language = "ru" if i % 3 else "en"
            pool = words[language]

            def text(n: int, pool: list[str] = pool) -> str:
                return " ".join(rnd.choice(pool) for _ in range(n))

            batch.append(
                Article(
                    title=text(7),
                    symptoms=text(30),
                    cause=text(20),
                    resolution=text(60),
                    language=language,
                    visibility=Visibility.PUBLIC if i % 10 else Visibility.INTERNAL,
                )
            )
            if len(batch) == 1000:
                Article.objects.bulk_create(batch)
                batch = []
        Article.objects.bulk_create(batch)
