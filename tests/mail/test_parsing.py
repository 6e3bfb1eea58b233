"""Pure parsing: charsets (declared, missing, lying), broken encodings, HTML, quotes."""

from __future__ import annotations

import base64

import pytest

from tierdesk.mail.parsing import parse_message
from tierdesk.mail.parsing.charsets import decode_bytes
from tierdesk.mail.parsing.quoting import split_quoted

RU = "Здравствуйте! Не печатает принтер в бухгалтерии, ошибка 'Замятие бумаги'."


def raw(headers: str, body: bytes) -> bytes:
    head = "From: Petr <petr@vector.example>\nTo: support@desk.example\n" + headers
    return head.encode("utf-8") + b"\n\n" + body


def encoded_subject(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r", "iso-8859-5", "cp866", "utf-8"])
def test_declared_cyrillic_charsets(charset):
    message = parse_message(
        raw(
            f"Subject: {encoded_subject('Заявка: принтер', charset)}\n"
            f'Content-Type: text/plain; charset="{charset}"\n'
            "Content-Transfer-Encoding: 8bit",
            RU.encode(charset),
        )
    )
    assert message.subject == "Заявка: принтер"
    assert message.text == RU


@pytest.mark.parametrize(
    ("actual", "label"),
    [
        ("windows-1251", "iso-8859-1"),  # Outlook Express classic
        ("koi8-r", "windows-1251"),
        ("windows-1251", "koi8-r"),
        ("utf-8", "windows-1251"),
        ("koi8-r", "us-ascii"),
        ("windows-1251", "x-unknown"),
    ],
)
def test_mislabelled_charsets_are_read_correctly(actual, label):
    message = parse_message(
        raw(
            f"Subject: {encoded_subject('Счёт на оплату', actual).replace(actual, label)}\n"
            f"Content-Type: text/plain; charset={label}\nContent-Transfer-Encoding: 8bit",
            RU.encode(actual),
        )
    )
    assert message.text == RU
    assert message.subject == "Счёт на оплату"
    assert any("read as" in p for p in message.problems)


def test_no_content_type_and_raw_8bit_headers():
    message = parse_message(
        b"From: =?koi8-r?B?" + base64.b64encode("Иван".encode("koi8-r")) + b"?= <i@x.example>\n"
        b"Subject: " + "Срочно: не работает VPN".encode("cp1251") + b"\n\n" + RU.encode("koi8-r")
    )
    assert message.from_name == "Иван"
    assert message.subject == "Срочно: не работает VPN"
    assert message.text == RU


def test_broken_base64_and_quoted_printable_keep_readable_text():
    good = base64.b64encode(RU.encode("utf-8")).decode()
    broken = good[:-3] + "*!"  # wrong padding and a stray character
    message = parse_message(
        raw(
            'Subject: b64\nContent-Type: text/plain; charset="utf-8"\n'
            "Content-Transfer-Encoding: base64",
            broken.encode(),
        )
    )
    assert message.text.startswith("Здравствуйте! Не печатает принтер")
    qp = parse_message(
        raw(
            'Subject: qp\nContent-Type: text/plain; charset="windows-1251"\n'
            "Content-Transfer-Encoding: quoted-printable",
            b"=C7=E4=F0=E0=E2=F1=F2=E2=F3=E9=F2=E5! =ZZ broken =\n escape =C0",
        )
    )
    assert qp.text.startswith("Здравствуйте!")


def test_decode_keeps_western_text_western():
    for text, charset in (("Håvard", "latin-1"), ("Grüße aus München", "cp1252")):
        assert decode_bytes(text.encode(charset), None).text == text
        assert decode_bytes(text.encode(charset), charset).text == text


def test_html_is_sanitised_and_quotes_fold():
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        '<body onload="steal()"><p>Новый ответ <a href="javascript:alert(1)">ссылка</a>'
        '<img src="http://tracker.example/p.gif" onerror="x()"></p>'
        '<div class="gmail_quote">пн, 1 дек. 2026 г. в 10:00, Support пишет:'
        "<blockquote>Старый текст</blockquote></div></body></html>"
    )
    message = parse_message(
        raw(
            'Subject: html\nMIME-Version: 1.0\nContent-Type: text/html; charset="utf-8"\n'
            "Content-Transfer-Encoding: 8bit",
            html.encode(),
        )
    )
    assert "<script" not in message.html and "alert" not in message.html
    assert "onload" not in message.html and "onerror" not in message.html
    assert "javascript:" not in message.html
    assert '<details class="td-quoted">' in message.html
    assert message.html.index("Новый ответ") < message.html.index("td-quoted")
    assert "Старый текст" in message.html  # folded, not dropped
    assert message.text.startswith("Новый ответ")


def test_text_quotes_are_found_but_kept():
    text = "Спасибо, помогло.\n\n-----Original Message-----\nFrom: Support\nSubject: x\n\nold"
    new, quoted = split_quoted(text)
    assert new == "Спасибо, помогло."
    assert quoted.startswith("-----Original Message-----")
    message = parse_message(
        raw("Subject: q\nContent-Type: text/plain; charset=utf-8", text.encode())
    )
    assert message.text == text  # kept whole
    assert message.text[message.quoted_from :].startswith("-----Original")


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ("Auto-Submitted: auto-replied\nSubject: Автоответ: Принтер", "auto_reply"),
        ("X-Autoreply: yes\nSubject: Re: Printer", "auto_reply"),
        ("Subject: Out of Office: Printer\nX-MS-Exchange-Inbox-Rules-Loop: a@b", "auto_reply"),
        ("Subject: Автоматический ответ: заявка", "auto_reply"),
        ("Precedence: bulk\nSubject: Newsletter", "bulk"),
        ("Precedence: junk\nSubject: Offer", "bulk"),
        ("X-Auto-Response-Suppress: All\nSubject: Notification", "bulk"),
        ("Auto-Submitted: auto-generated\nSubject: Zabbix alert", "bulk"),
        ("Return-Path: <>\nSubject: Undelivered Mail Returned to Sender", "bounce"),
        ("List-Id: <users.lists.example>\nSubject: [users] question", "bulk"),
        ("Auto-Submitted: no\nSubject: Printer", ""),
    ],
)
def test_automatic_mail_is_recognised(headers, kind):
    message = parse_message(raw(headers, b"text"))
    assert message.auto_kind == kind
    assert message.is_auto == bool(kind)
    if kind:
        assert message.auto_reason


def test_attachment_names_are_decoded_and_cid_images_marked():
    body = (
        b"--b\nContent-Type: text/html; charset=utf-8\n\n"
        b'<p>see <img src="cid:pic1@x"></p>\n'
        b"--b\nContent-Type: image/png\nContent-ID: <pic1@x>\n"
        b"Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
        b"--b\nContent-Type: application/pdf; name*=utf-8''%D0%A1%D1%87%D1%91%D1%82.pdf\n"
        b"Content-Disposition: attachment; filename*=utf-8''%D0%A1%D1%87%D1%91%D1%82.pdf\n"
        b"Content-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n"
    )
    message = parse_message(
        raw(
            'Subject: files\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary="b"', body
        )
    )
    image, pdf = message.attachments
    assert image.content_id == "pic1@x" and image.inline
    assert image.data == b"\x89PNG\r\n\x1a\n"
    assert pdf.filename == "Счёт.pdf" and not pdf.inline
    assert 'src="cid:pic1@x"' in message.html
