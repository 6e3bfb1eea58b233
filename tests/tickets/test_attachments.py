from __future__ import annotations

import pytest

from tierdesk.core.errors import InvalidInput
from tierdesk.tickets.attachments import safe_filename, store_attachment
from tierdesk.tickets.models import Attachment


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\отчёт.pdf", "отчёт.pdf"),
        ("..hidden", "hidden"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("", "attachment"),
        (None, "attachment"),
        ("rm -rf $(x);.sh", "rm -rf _(x)_.sh"),
    ],
)
def test_safe_filename(raw, expected):  # type: ignore[no-untyped-def]
    assert safe_filename(raw) == expected


@pytest.mark.django_db
def test_store_and_limit(desk, settings):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    a = store_attachment(ticket=t, entry=None, filename="../log.txt", content=b"hello")
    assert a.filename == "log.txt"
    assert a.file.read() == b"hello"
    assert "/" not in a.filename and ".." not in a.file.name
    settings.TIERDESK = {**settings.TIERDESK, "MAX_ATTACHMENT_BYTES": 10}
    with pytest.raises(InvalidInput, match="limited"):
        store_attachment(ticket=t, entry=None, filename="big.bin", content=b"x" * 11)
    assert Attachment.objects.filter(ticket=t).count() == 1
