"""Russian and English are first-class: every workspace string is translated, the compiled
catalogues are committed and current, and no other app's catalogue overrides ours."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

import tierdesk

ROOT = Path(tierdesk.__file__).resolve().parent
APPS = [
    "agent",
    "tickets",
    "tiers",
    "categories",
    "customers",
    "contracts",
    "devices",
    "accounts",
    "core",
]


def _untranslated(po: str) -> list[str]:
    """msgids whose msgstr is empty (the header excluded)."""
    missing = []
    for block in po.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', block.split("msgstr")[0], re.M))
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if msgid and any(not (a + b.replace('"', "").strip()) for a, b in strs):
            missing.append(msgid)
    return missing


@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_complete_and_compiled(app: str) -> None:
    po = ROOT / app / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists()
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    assert _untranslated(text) == []
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    msgids = {k if isinstance(k, str) else k[0] for k in catalog} - {""}
    in_po = set()
    for block in text.split("\n\n"):
        ctx = "".join(re.findall(r'^msgctxt "(.*)"', block, re.M))
        head = block.split("msgid_plural")[0].split("msgstr")[0]
        if "msgid" not in head:
            continue
        msgid = "".join(re.findall(r'"(.*)"', head.split("msgid", 1)[1]))
        msgid = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        if msgid:
            in_po.add(f"{ctx}\x04{msgid}" if ctx else msgid)
    assert in_po == msgids, "the .mo is stale: run compilemessages"


def test_every_workspace_string_renders_in_russian() -> None:
    """Another app's catalogue may win for a shared word (apps listed earlier take
    precedence); that is fine as long as the result is Russian, not the English msgid."""
    mo = ROOT / "agent" / "locale" / "ru" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    overridden = []
    with translation.override("ru"):
        for key, ours in catalog.items():
            if not isinstance(key, str) or not key:
                continue
            if "\x04" in key:
                context, msgid = key.split("\x04", 1)
                got = translation.pgettext(context, msgid)
            else:
                got = translation.gettext(key)
            if got != ours and not re.search("[А-Яа-яЁё]", got):
                overridden.append((key, ours, got))
    assert overridden == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("ru", ["Очереди", "Мои заявки", "Номер", "Новая"], ["My tickets", "Queues<"]),
        ("en", ["Queues", "My tickets", "Number", "New"], ["Мои заявки", "Очереди"]),
    ],
)
def test_queue_page_in_both_languages(desk, client: Client, language, expected, absent) -> None:  # type: ignore[no-untyped-def]
    desk.ticket()
    agent = desk.agents[1]
    agent.language = language
    agent.save()
    client.post("/agent/login/", {"username": agent.username, "password": "demo"})
    body = client.get("/agent/queues/tier-1/").content.decode()
    for text in expected:
        assert text in body
    for text in absent:
        assert text not in body
