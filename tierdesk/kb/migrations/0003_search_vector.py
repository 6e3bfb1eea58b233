from django.db import migrations


def build_search_index(apps, schema_editor):
    # PostgreSQL: a stored, trigger-maintained tsvector column with a GIN index replaces the
    # expression index of 0002 (ranking no longer re-parses every hit). SQLite: unchanged FTS5.
    from tierdesk.kb.search import ensure_index

    ensure_index(schema_editor.connection)


def drop_search_vector(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS kb_article_search_vector ON kb_article")
        cursor.execute("DROP FUNCTION IF EXISTS kb_article_search_vector()")
        cursor.execute("DROP INDEX IF EXISTS kb_article_search_gin")
        cursor.execute("ALTER TABLE kb_article DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):

    dependencies = [
        ("kb", "0002_deflections_and_search"),
    ]

    operations = [
        migrations.RunPython(build_search_index, drop_search_vector),
    ]
