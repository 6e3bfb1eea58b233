"""The statement as CSV and as PDF (fpdf2; DejaVu Sans for Cyrillic when it is installed)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tierdesk.billing.statement import Statement

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/local/share/fonts/DejaVuSans.ttf"),
)

CSV_HEADER = [
    "ticket",
    "subject",
    "date",
    "agent",
    "tier",
    "minutes",
    "included_minutes",
    "free_minutes",
    "billable_minutes",
    "hourly_rate",
    "amount",
    "currency",
    "basis",
    "reason",
]

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch ' y ' e yu ya"
_TRANSLIT: dict[str, str] = {"«": '"', "»": '"', "—": "-", "–": "-", "№": "No"}
for _c, _l in zip(_CYRILLIC, _LATIN.split(), strict=True):
    _TRANSLIT[_c] = _l
    _TRANSLIT[_c.upper()] = _l.capitalize()


def to_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for block in statement.tickets:
        for line in block.lines:
            writer.writerow(
                [
                    block.number,
                    block.subject,
                    line.work_date.isoformat(),
                    line.agent,
                    line.tier,
                    line.minutes,
                    line.included_minutes,
                    line.free_minutes,
                    line.billable_minutes,
                    f"{line.billing_rate:.2f}",
                    f"{line.amount:.2f}",
                    statement.currency,
                    line.basis,
                    line.reason,
                ]
            )
    writer.writerow(
        [
            "TOTAL",
            statement.organization.name,
            statement.period_label,
            "",
            "",
            statement.minutes,
            statement.included_minutes,
            statement.free_minutes,
            statement.billable_minutes,
            "",
            f"{statement.amount:.2f}",
            statement.currency,
            "",
            "",
        ]
    )
    return out.getvalue()


def unicode_font() -> Path | None:
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    return None


def _latin(text: str) -> str:
    """Without a Unicode font the PDF core fonts only know Latin-1: transliterate Cyrillic."""
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def to_pdf(statement: Statement, *, font_path: Path | bool | None = True) -> bytes:
    """Render the statement; ``font_path=None`` forces the Latin-1 fallback (for tests)."""
    from fpdf import FPDF

    font = unicode_font() if font_path is True else font_path or None
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    if isinstance(font, Path):
        pdf.add_font("DejaVu", "", str(font))
        family = "DejaVu"

        def t(text: str) -> str:
            return text
    else:
        family = "Helvetica"
        t = _latin
    pdf.set_font(family, size=14)
    title = f"Выписка / Billing statement: {statement.organization.name}, {statement.period_label}"
    pdf.cell(0, 8, t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    allowance = (
        f"Included hours per month: {statement.included_hours}"
        if statement.included_hours is not None
        else "No included hours apply"
    )
    pdf.cell(
        0, 6, t(f"Currency: {statement.currency}. {allowance}."), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    widths = (26, 70, 20, 12, 16, 16, 16, 16, 22, 28)
    head = (
        "Ticket",
        "Subject",
        "Date",
        "Tier",
        "Time",
        "Included",
        "Free",
        "Billable",
        "Rate/h",
        "Amount",
    )
    pdf.set_font(family, size=8)
    for w, h in zip(widths, head, strict=True):
        pdf.cell(w, 6, h, border=1)
    pdf.ln()
    for block in statement.tickets:
        for line in block.lines:
            cells = (
                block.number,
                block.subject[:48],
                line.work_date.isoformat(),
                line.tier,
                hours(line.minutes),
                hours(line.included_minutes),
                hours(line.free_minutes),
                hours(line.billable_minutes),
                f"{line.billing_rate:.2f}",
                f"{line.amount:.2f}",
            )
            for w, c in zip(widths, cells, strict=True):
                pdf.cell(w, 5, t(c), border=1)
            pdf.ln()
    pdf.set_font(family, size=9)
    pdf.ln(2)
    pdf.cell(
        0,
        6,
        t(
            f"Total: {hours(statement.minutes)} h, included {hours(statement.included_minutes)}, "
            f"free {hours(statement.free_minutes)}, billable {hours(statement.billable_minutes)}"
            f" — {statement.amount:.2f} {statement.currency}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
