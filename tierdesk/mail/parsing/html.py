"""HTML from mail: sanitised with nh3, turned into text, quoted history folded."""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col",
    "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "tt", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"title", "dir", "lang", "align", "style"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "valign", "width"},
    "th": {"colspan", "rowspan", "valign", "width"},
    "table": {"width", "cellpadding", "cellspacing", "border"},
    "font": {"color"},
    "ol": {"start", "type"},
    "div": {"id"},
}
CLASSES = {"div": {"gmail_quote", "moz-cite-prefix"}, "blockquote": {"gmail_quote"}}
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "text-decoration", "text-align",
    "margin-left", "padding-left", "border-left",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "src"):
        lowered = value.strip().lower()
        if lowered.startswith("data:"):
            # pictures embedded in the mail are fine; a data: link could carry a page
            ok = element == "img" and re.match(r"data:image/(png|jpe?g|gif|webp);", lowered)
            return value if ok else None
        if element == "a" and lowered.startswith("cid:"):
            return None
    if attribute == "id" and value != "divRplyFwdMsg":
        return None
    return value


_EMPTY_CLASS = re.compile(r' class=""')
_cleaner = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style", "title", "head", "object", "iframe", "noscript"},
    attributes=ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    allowed_classes=CLASSES,
    filter_style_properties=STYLE_PROPERTIES,
    link_rel="noopener noreferrer nofollow",
)


def sanitize_html(html: str) -> str:
    """Safe HTML to show in the agent workspace and portal (no scripts, styles sheets,
    event handlers, forms or remote-loading tricks; inline ``cid:`` images kept)."""
    if not html.strip():
        return ""
    return _EMPTY_CLASS.sub("", str(_cleaner.clean(html))).strip()


_BLOCK = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "table", "hr", "dd", "dt", "ul", "ol",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("td", "th"):
            self.out.append("\t")
        elif tag in _BLOCK:
            self.out.append("\n")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.out.append("\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; this is belt and braces
        return re.sub(r"<[^>]+>", " ", htmllib.unescape(html)).strip()
    text = "".join(parser.out)
    lines = [line.strip(" \t\u00a0") for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_to_html(text: str) -> str:
    return "<p>" + htmllib.escape(text).replace("\n", "<br>") + "</p>"


_BQ_OPEN = re.compile(r"<blockquote\b[^>]*>", re.I)
_BQ_ANY = re.compile(r"<(/?)blockquote\b[^>]*>", re.I)
_TOP_POST_MARKERS = re.compile(
    r'<div[^>]*(class="gmail_quote"|class="moz-cite-prefix"|id="divRplyFwdMsg")[^>]*>', re.I
)
QUOTE_OPEN = '<details class="td-quoted"><summary>…</summary>'
QUOTE_CLOSE = "</details>"


def fold_quotes(html: str) -> str:
    """Wrap quoted earlier correspondence in ``<details class="td-quoted">`` so it shows
    folded (and opens on a click) while staying in the entry. Top-posting clients' quote
    blocks (Gmail, Thunderbird, Outlook) fold from the marker to the end; other top-level
    ``<blockquote>`` elements fold one by one, which keeps inline answers visible."""
    marker = _TOP_POST_MARKERS.search(html)
    if marker and html[: marker.start()].strip() and _has_text(html[: marker.start()]):
        return html[: marker.start()] + QUOTE_OPEN + html[marker.start() :] + QUOTE_CLOSE
    out: list[str] = []
    pos = 0
    depth = 0
    start = 0
    for match in _BQ_ANY.finditer(html):
        closing = match.group(1) == "/"
        if not closing:
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                out.append(html[pos:start])
                out.append(QUOTE_OPEN + html[start : match.end()] + QUOTE_CLOSE)
                pos = match.end()
    out.append(html[pos:])
    folded = "".join(out)
    if not _has_text(_strip_details(folded)):
        return html  # everything is a quote: show it all
    return folded


def _has_text(fragment: str) -> bool:
    return bool(html_to_text(fragment).strip())


def _strip_details(html: str) -> str:
    return re.sub(r'<details class="td-quoted">.*?</details>', "", html, flags=re.S)
