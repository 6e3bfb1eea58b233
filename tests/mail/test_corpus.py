"""The shared real-world corpus (../shared/corpus/email): every message imports, Cyrillic is
readable, and the other projects' expectations hold (see each folder's README)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, require_server
from tierdesk.mail.models import InboundState
from tierdesk.mail.parsing import ParsedMessage, parse_message
from tierdesk.mail.parsing.autodetect import BOUNCE
from tierdesk.mail.parsing.html import html_to_text

CORPUS = Path(os.environ.get("TIERDESK_MAIL_CORPUS", ROOT.parent / "shared" / "corpus" / "email"))
NOT_MESSAGES = {"README.md", "expected-output-1", "mailgun.png"}

# messages whose text (subject, sender or body) is Cyrillic in any charset
CYRILLIC = {
    "flanker/8bitmime.eml": "Превел",
    "flanker/bilingual-simple.eml": "Как ты поживаешь?",
    "flanker/enclosed-bad-encoding.eml": "чтобы я без вас делал",
    "flanker/enclosed-broken-body.eml": "чтобы я без вас делал",
    "flanker/enclosed-endless.eml": "чтобы я без вас делал",
    "flanker/enclosed-global.eml": "чтобы я без вас делал",
    "flanker/mailgun-pic.eml": "Мейлган! Хахах!",
    "flanker/mailformed-headers.eml": "",
    "rt/russian-subject-no-content-type": "тест тест",
}
# UTF-8 read as Latin-1 ("Ð¿"), UTF-8 read as cp1251 ("РїСЂ": Р or С followed by a character
# of the upper half of cp1251 that is not a Russian letter), runs of U+FFFD
MOJIBAKE = re.compile(
    r"[ÐÑ][\x80-\xbf]|[РС][\u0402-\u040f\u0452-\u045f‚„…†‡€‰‹‘’“”•–—™›¤¦§©«¬®°±µ¶·»]"
    r"|\ufffd.{0,3}\ufffd"
)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name not in NOT_MESSAGES and p.suffix not in (".md", ".yml")
    )


def rel(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def norm(text: str) -> str:
    return " ".join(text.split())


def visible(parsed: ParsedMessage) -> str:
    return norm(html_to_text(parsed.html)) if parsed.html else norm(parsed.text)


def load_yaml(path: Path) -> dict[str, object]:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor(
        "!ruby/hash:", lambda loader, _suffix, node: loader.construct_mapping(node, deep=True)
    )
    return yaml.load(path.read_text(), Loader=Loader)


@pytest.fixture(scope="module")
def corpus() -> list[Path]:
    files = corpus_files()
    require_server(f"the e-mail corpus at {CORPUS}", bool(files))
    return files


def test_every_message_imports_and_nothing_is_duplicated(corpus, deliver, capsys):
    states: dict[str, int] = {}
    for path in corpus:
        result = deliver(path.read_bytes())  # raises on any exception
        assert not result.duplicate or result.inbound.message_id, rel(path)
        states[result.state] = states.get(result.state, 0) + 1
    again = [deliver(path.read_bytes()) for path in corpus]
    assert all(r.duplicate for r in again)
    assert sum(states.values()) == len(corpus)
    with capsys.disabled():
        print(f"\ncorpus: {len(corpus)} messages imported: {states}")
    # a message is unprocessable only when it is no mail at all; the corpus has none such
    assert states.get(InboundState.UNPROCESSABLE, 0) == 0


def test_every_message_parses_within_limits(corpus):
    for path in corpus:
        parsed = parse_message(path.read_bytes())
        assert parsed.from_email, rel(path)
        assert parsed.size == path.stat().st_size


def readable_text(parsed: ParsedMessage, depth: int = 0) -> str:
    """All text a person would read: headers, body, and forwarded (attached) messages."""
    parts = [parsed.subject, parsed.from_name, parsed.text, visible(parsed)]
    for attachment in parsed.attachments:
        if attachment.content_type in ("message/rfc822", "message/global") and depth < 3:
            parts.append(readable_text(parse_message(attachment.data), depth + 1))
    return " ".join(parts)


def test_cyrillic_messages_are_readable(corpus):
    checked = 0
    for path in corpus:
        parsed = parse_message(path.read_bytes())
        everything = readable_text(parsed)
        assert not MOJIBAKE.search(everything), (rel(path), MOJIBAKE.search(everything))
        if rel(path) in CYRILLIC:
            assert re.search(r"[а-яё]{2}", everything, re.I), rel(path)
            assert CYRILLIC[rel(path)] in everything, rel(path)
            checked += 1
    assert checked == len(CYRILLIC)


@pytest.mark.parametrize(
    "name",
    [
        "mail033-undelivered-mail-returned-to-sender-notification",
        "mail078-content_transfer_encoding_x_uuencode",
        "mail104",
        "mail112",
    ],
)
def test_zammad_expectations(corpus, name):
    expected = load_yaml(CORPUS / "zammad" / f"{name}.yml")
    parsed = parse_message((CORPUS / "zammad" / f"{name}.box").read_bytes())
    assert parsed.from_email == str(expected["from_email"]).lower()
    assert parsed.from_name == expected["from_display_name"]
    assert parsed.subject == expected["subject"]
    if expected["content_type"] == "text/html":
        assert visible(parsed) == norm(html_to_text(str(expected["body"])))
    else:
        assert norm(parsed.text) == norm(str(expected["body"]))
    by_data = {a.data.strip() for a in parsed.attachments}
    for attachment in expected.get("attachments") or []:  # type: ignore[attr-defined]
        if attachment["filename"] == "message.html":
            continue  # Zammad's own copy of the HTML body, not a part of the mail
        data = str(attachment["data"]).encode()
        if attachment["preferences"]["Mime-Type"] == "message/rfc822":
            names = {a.filename for a in parsed.attachments}
            assert attachment["filename"] in names
        else:
            assert data.strip() in by_data, attachment["filename"]


def test_flanker_expectations(corpus):
    def p(name: str) -> ParsedMessage:
        return parse_message((CORPUS / "flanker" / name).read_bytes())

    assert p("bilingual-simple.eml").subject == "Simple text. How are you? Как ты поживаешь?"
    assert p("no-ctype.eml").text == "Hello,\nI'm just testing message parsing\n\nBR,\nBob"
    assert p("relative.eml").text.startswith(
        "This is html and text message, thanks\n\n-- \nRegards,\nBob"
    )
    pic = p("mailgun-pic.eml")
    (png,) = [a for a in pic.attachments if a.content_type == "image/png"]
    assert png.filename == "mailgun.png"
    assert png.data == (CORPUS / "flanker" / "attachments" / "mailgun.png").read_bytes()
    assert "Мейлган" in pic.text
    bz2 = p("bz2-attachment.eml")
    assert bz2.text == "hello, world" and bz2.attachments[0].filename == "foo.txt.bz2"
    assert p("encoded-header.eml").from_name == "Foo, Bar"
    assert p("encoded-header.eml").from_email == "foo.bar@example.com"
    zed = p("bounce/zed.eml")
    assert zed.auto_kind == BOUNCE
    assert zed.text.startswith("This is the mail system at host mail.example.com.")
    report = b"".join(a.data for a in zed.attachments if a.content_type.endswith("status"))
    assert b"5.1.1" in report and b"550-5.1.1 The email account" in report
    for bounce in ("mailbox-full", "no-mx", "delayed", "gmail-invalid-address", "broken-mime"):
        assert p(f"bounce/{bounce}.eml").auto_kind == BOUNCE, bounce
    assert not p("signed.eml").is_auto
    assert p("complaints/yahoo.eml").is_auto
    assert "a serious r" in p("spam/broken-ctype.eml").text
    dashed = p("dashed-boundaries.eml")
    assert dashed.text and dashed.html
    assert p("missing-final-boundary.eml").text == "Some body"
    long = p("long-header.eml").subject  # 209 KB of encoded-words
    assert len(long) > 100_000 and long.startswith("Die heiße Zypernsonne quälte Max")


def test_rt_expectations(corpus):
    def p(name: str) -> ParsedMessage:
        return parse_message((CORPUS / "rt" / name).read_bytes())

    assert p("russian-subject-no-content-type").subject == "тест тест"
    assert "Håvard" in p("new-ticket-from-iso-8859-1").text
    assert "Håvard" in p("new-ticket-from-iso-8859-1-full").text
    assert "causes Error" in p("multipart-alternative-with-umlaut").text
    html_only = p("text-html-with-umlaut")
    assert "causes Error" in html_only.text and html_only.html
    nested = p("nested-rfc-822")
    assert nested.subject == "[Jonas Liljegren] Re: [Para] Nivåer?"
    assert [a.content_type for a in nested.attachments] == ["message/rfc822"]
    assert p("subject-with-folding-ws").subject == "test"
    # RT asserts the first 200 characters (its column size); the header has 300
    assert p("very-long-subject").subject == "0123456789" * 30
    one = p("email-file-attachment.eml")
    assert "This is a test with an email file attachment" in one.text
    assert [a.filename for a in one.attachments] == ["test-email.eml"]
    assert b"Subject: This is a test" in one.attachments[0].data
    two = p("email-file-attachment-2.eml")
    assert "This is a test with a multipart email file attachment" in two.text
    assert [a.filename for a in two.attachments] == ["test-email-2.eml"]
    assert b"<p>plain text</p>" in two.attachments[0].data
    outlook = p("outlook-rfc822")
    assert [a.filename for a in outlook.attachments] == ["Updates to our terms of use.eml"]
    japanese = p("rfc2231-attachment-filename-continuations")
    assert [a.filename for a in japanese.attachments] == ["新しいテキスト ドキュメント.txt"]
    for n in (1, 3, 4, 6, 7):
        assert p(f"8859-15-message-series/msg{n}").subject == "test äöüßÄÖÜß€"
    assert p("8859-15-message-series/dir").auto_kind == "bulk"  # Precedence: bulk, no reply
    outlook_html = p("ms-outlook/input-msg-1")
    expected = html_to_text((CORPUS / "rt" / "ms-outlook" / "expected-output-1").read_text())
    assert norm(expected) in visible(outlook_html)
    assert "<o:p>" not in outlook_html.html and "class=" not in outlook_html.html
