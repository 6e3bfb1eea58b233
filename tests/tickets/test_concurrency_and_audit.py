"""Optimistic concurrency, numbering under parallel creation, the audit trail, one writer."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from tests.factories import handoff
from tierdesk.core.errors import ConflictError
from tierdesk.tickets import lifecycle
from tierdesk.tickets.models import AuditEvent, Entry, Status, Ticket

ROOT = Path(__file__).resolve().parents[2] / "tierdesk"


@pytest.mark.django_db
def test_stale_update_is_refused_with_the_other_change(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    seen_by_a = Ticket.objects.get(pk=t.pk)
    seen_by_b = Ticket.objects.get(pk=t.pk)
    lifecycle.take(ticket=seen_by_a, actor=desk.agents[1], expected_version=seen_by_a.version)
    with pytest.raises(ConflictError) as info:
        lifecycle.change_status(
            ticket=seen_by_b,
            actor=desk.agents[1],
            status=Status.PENDING_CUSTOMER,
            expected_version=seen_by_b.version,
        )
    err = info.value
    assert "was changed by" in err.message
    assert err.details["current_version"] == seen_by_a.version
    assert err.details["changes"][0]["action"] == "assigned"
    fresh = Ticket.objects.get(pk=t.pk)
    assert fresh.status == Status.OPEN  # A's change stands, B's did not overwrite it
    assert fresh.assignee == desk.agents[1]


@pytest.mark.django_db
def test_stale_reply_writes_no_entry(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    stale = t.version
    lifecycle.add_note(ticket=t, actor=desk.agents[1], body="checking")
    entries = Entry.objects.filter(ticket=t).count()
    with pytest.raises(ConflictError):
        lifecycle.reply(ticket=t, actor=desk.agents[1], body="hello", expected_version=stale)
    assert Entry.objects.filter(ticket=t).count() == entries


@pytest.mark.django_db
def test_every_change_leaves_an_audit_event_with_actor_and_version(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket(intake_data={"device_model": "LaserJet"})
    agent = desk.agents[1]
    lifecycle.take(ticket=t, actor=agent)
    lifecycle.add_note(ticket=t, actor=agent, body="internal")
    lifecycle.reply(ticket=t, actor=agent, body="public")
    lifecycle.escalate(ticket=t, actor=agent, to_tier=desk.tiers[2], handoff=handoff())
    lifecycle.resolve(ticket=t, actor=desk.agents[2], resolution_code="solved")
    lifecycle.reopen(ticket=t, contact=desk.contact, reason="again")
    events = list(AuditEvent.objects.filter(ticket=t).order_by("version"))
    assert [e.action for e in events] == [
        "created",
        "assigned",
        "note",
        "public_reply",
        "escalated",
        "resolved",
        "reopened",
    ]
    assert [e.version for e in events] == list(range(1, 8))
    assert events[0].actor_contact == desk.contact
    assert events[4].actor == agent
    assert events[-1].actor_contact == desk.contact
    assert Ticket.objects.get(pk=t.pk).version == 7


@pytest.mark.django_db
def test_numbers_are_human_readable(desk):  # type: ignore[no-untyped-def]
    t = desk.ticket()
    assert t.number == f"TD-{t.pk:06d}"
    assert Ticket.objects.get(pk=t.pk).number == t.number


@pytest.mark.django_db(transaction=True)
def test_unique_numbers_under_parallel_creation(desk):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers are exercised on PostgreSQL (SQLite serialises writers)")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def create(i: int) -> None:
        try:
            barrier.wait()
            for j in range(5):
                desk.ticket(subject=f"parallel {i}-{j}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    numbers = list(
        Ticket.objects.filter(subject__startswith="parallel").values_list("number", flat=True)
    )
    assert len(numbers) == 40
    assert len(set(numbers)) == 40
    assert all(n and n.startswith("TD-") for n in numbers)


def _assignments_outside_lifecycle() -> list[str]:
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("tickets/lifecycle/") or "/migrations/" in rel or rel.endswith("demo.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in {
                    "status",
                    "tier",
                    "tier_id",
                }:
                    owner = ast.unparse(target.value)
                    if "ticket" in owner.lower() or owner in {"t", "fresh"}:
                        offenders.append(f"{rel}:{node.lineno}: {ast.unparse(target)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "update" and any(
                    kw.arg in {"status", "tier", "tier_id"} for kw in node.keywords
                ):
                    src = ast.unparse(node.func.value)
                    if "Ticket" in src or "ticket" in src:
                        offenders.append(f"{rel}:{node.lineno}: {ast.unparse(node)[:80]}")
    return offenders


def test_only_the_lifecycle_writes_status_and_tier():
    assert _assignments_outside_lifecycle() == []
