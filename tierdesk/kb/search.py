"""Full-text search over articles: one backend per database vendor.

* PostgreSQL: a ``tsvector`` column ``kb_article.search_vector`` (weighted: title A, symptoms
  B, cause/resolution/products C) with a GIN index, filled by a ``BEFORE INSERT OR UPDATE``
  trigger, so it is always current whoever writes the row (services, admin, raw ORM). The
  ``russian`` configuration stems Cyrillic words with the Russian Snowball stemmer and Latin
  words with the English one, so one index serves articles and queries in both languages.
  Stored vectors keep ranking cheap: ``ts_rank`` reads them instead of re-parsing every hit.
  The column is the database's own business: the Django model does not declare it.
* SQLite: an FTS5 table ``kb_article_fts`` (rowid = article id) holding the *stemmed* text. SQL
  triggers keep it in step with ``kb_article``; they call ``tierdesk_stem()``, a Python function
  (``stemming.stem_text``) registered on every SQLite connection Django opens.

Both rank "all words match" hits before "some words match" hits; a trailing partial word (live
suggestions while typing) matches as a prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from tierdesk.kb import stemming

FTS_TABLE = "kb_article_fts"
PG_INDEX = "kb_article_search_gin"
PG_OLD_INDEX = "kb_article_fts_gin"  # the expression index of migration 0002, replaced by 0003
PG_WEIGHTED = (
    "setweight(to_tsvector('russian'::regconfig, {t}.title), 'A')"
    " || setweight(to_tsvector('russian'::regconfig, {t}.symptoms), 'B')"
    " || setweight(to_tsvector('russian'::regconfig, {t}.cause || ' ' || {t}.resolution"
    " || ' ' || {t}.products), 'C')"
)
_PG_SETUP = [
    "ALTER TABLE kb_article ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"""CREATE OR REPLACE FUNCTION kb_article_search_vector() RETURNS trigger AS $$
        BEGIN
            NEW.search_vector := {PG_WEIGHTED.format(t="NEW")};
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS kb_article_search_vector ON kb_article",
    """CREATE TRIGGER kb_article_search_vector
        BEFORE INSERT OR UPDATE OF title, symptoms, cause, resolution, products ON kb_article
        FOR EACH ROW EXECUTE FUNCTION kb_article_search_vector()""",
    f"UPDATE kb_article SET search_vector = {PG_WEIGHTED.format(t='kb_article')} "  # noqa: S608
    "WHERE search_vector IS NULL",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON kb_article USING gin (search_vector)",
    f"DROP INDEX IF EXISTS {PG_OLD_INDEX}",
]


# ---------------------------------------------------------------- SQLite plumbing


def register_sqlite_functions(connection: BaseDatabaseWrapper) -> None:
    """Give a SQLite connection the ``tierdesk_stem`` function the FTS triggers call."""
    if connection.vendor != "sqlite" or connection.connection is None:
        return
    connection.connection.create_function(
        "tierdesk_stem", 1, stemming.stem_text, deterministic=True
    )


_SQLITE_TRIGGERS = {
    "kb_article_fts_ai": """
        CREATE TRIGGER IF NOT EXISTS kb_article_fts_ai AFTER INSERT ON kb_article BEGIN
            INSERT INTO kb_article_fts(rowid, title, symptoms, body) VALUES (
                new.id, tierdesk_stem(new.title), tierdesk_stem(new.symptoms),
                tierdesk_stem(new.cause || ' ' || new.resolution || ' ' || new.products));
        END""",
    "kb_article_fts_ad": """
        CREATE TRIGGER IF NOT EXISTS kb_article_fts_ad AFTER DELETE ON kb_article BEGIN
            DELETE FROM kb_article_fts WHERE rowid = old.id;
        END""",
    "kb_article_fts_au": """
        CREATE TRIGGER IF NOT EXISTS kb_article_fts_au
        AFTER UPDATE OF title, symptoms, cause, resolution, products ON kb_article BEGIN
            DELETE FROM kb_article_fts WHERE rowid = old.id;
            INSERT INTO kb_article_fts(rowid, title, symptoms, body) VALUES (
                new.id, tierdesk_stem(new.title), tierdesk_stem(new.symptoms),
                tierdesk_stem(new.cause || ' ' || new.resolution || ' ' || new.products));
        END""",
}


def ensure_index(connection: BaseDatabaseWrapper) -> bool:
    """Create the search index if it is missing (idempotent); True when it had to be built.

    Runs from the kb migration and after every ``migrate``: on SQLite a later migration that
    rebuilds ``kb_article`` drops its triggers, and this puts them back and reindexes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if "kb_article" not in connection.introspection.table_names(cursor):
                return False
            for sql in _PG_SETUP:
                cursor.execute(sql)
        return False
    if connection.vendor != "sqlite":
        return False
    connection.ensure_connection()
    register_sqlite_functions(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            ["kb_article_fts%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if "kb_article" not in connection.introspection.table_names(cursor):
            return False
        missing = FTS_TABLE not in present or not set(_SQLITE_TRIGGERS) <= present
        if not missing:
            return False
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "title, symptoms, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        for sql in _SQLITE_TRIGGERS.values():
            cursor.execute(sql)
        rebuild_sqlite(cursor)
    return True


def rebuild_sqlite(cursor: Any) -> None:
    cursor.execute("DELETE FROM kb_article_fts")
    cursor.execute(
        "INSERT INTO kb_article_fts(rowid, title, symptoms, body) "
        "SELECT id, tierdesk_stem(title), tierdesk_stem(symptoms), "
        "tierdesk_stem(cause || ' ' || resolution || ' ' || products) FROM kb_article"
    )


def rebuild(using: str = "default") -> None:
    """Rebuild the whole index (``tierdesk kb_reindex``)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        ensure_index(connection)
        register_sqlite_functions(connection)
        with connection.cursor() as cursor:
            rebuild_sqlite(cursor)
    elif connection.vendor == "postgresql":
        ensure_index(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE kb_article SET search_vector = {PG_WEIGHTED.format(t='kb_article')}"  # noqa: S608
            )
            cursor.execute(f"REINDEX INDEX {PG_INDEX}")


# ---------------------------------------------------------------- queries


def _sqlite_match(terms: Sequence[str], *, mode: str, prefix: bool) -> str:
    parts = []
    for i, term in enumerate(terms):
        s = stemming.stem(term)
        star = "*" if prefix and i == len(terms) - 1 else ""
        parts.append(f'"{s}"{star}')
    return f" {mode} ".join(parts)


def _pg_query(terms: Sequence[str], *, mode: str, prefix: bool) -> str:
    op = " & " if mode == "AND" else " | "
    parts = [
        term + (":*" if prefix and i == len(terms) - 1 else "") for i, term in enumerate(terms)
    ]
    return op.join(parts)


def ranked_ids(
    base: QuerySet[Any], terms: Sequence[str], *, mode: str, prefix: bool, limit: int
) -> list[int]:
    """Ids of rows of ``base`` (an Article queryset) matching ``terms``, best first.

    ``mode`` is "AND" (every term) or "OR" (any term). ``terms`` come from
    :func:`stemming.query_terms`, so they are plain words (no query syntax to escape)."""
    if not terms:
        return []
    connection = connections[base.db]
    sub_sql, sub_params = base.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        sql = (
            # only constant SQL and Django's own compiled subquery are interpolated
            f"SELECT a.id FROM kb_article a, to_tsquery('russian'::regconfig, %s) q "  # noqa: S608
            f"WHERE a.search_vector @@ q AND a.id IN ({sub_sql}) "
            "ORDER BY ts_rank(a.search_vector, q) DESC, a.id DESC LIMIT %s"
        )
        params: list[Any] = [_pg_query(terms, mode=mode, prefix=prefix), *sub_params, limit]
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        register_sqlite_functions(connection)
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"AND +rowid IN ({sub_sql}) "  # "+": let MATCH drive, not per-rowid lookups
            f"ORDER BY bm25({FTS_TABLE}, 10.0, 4.0, 1.0), rowid DESC LIMIT %s"
        )
        params = [_sqlite_match(terms, mode=mode, prefix=prefix), *sub_params, limit]
    else:  # another database: a plain substring search keeps the feature usable
        from django.db.models import Q

        q = Q()
        for term in terms:
            part = (
                Q(title__icontains=term)
                | Q(symptoms__icontains=term)
                | Q(cause__icontains=term)
                | Q(resolution__icontains=term)
            )
            q = (q & part) if mode == "AND" else (q | part)
        return list(base.filter(q).values_list("pk", flat=True)[:limit])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
