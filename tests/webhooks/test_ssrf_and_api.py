"""The SSRF guard, the signer, and who may manage webhooks."""

from __future__ import annotations

import time

import pytest

from tests.api.conftest import assert_problem
from tierdesk.core.errors import NotPermitted
from tierdesk.webhooks import services, signer, ssrf
from tierdesk.webhooks.models import Subscription

PRIVATE_TARGETS = [
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.5/hook",
    "http://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fd00::1]/hook",
    "http://0.0.0.0/hook",
    "http://100.64.0.1/hook",
    "http://2130706433/hook",
    "http://224.0.0.1/hook",
]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_private_targets_are_refused(url):  # type: ignore[no-untyped-def]
    with pytest.raises(ssrf.TargetRefused):
        ssrf.check_target(url, allow_private=False)


@pytest.mark.parametrize(
    "url", ["ftp://93.184.215.14/", "http:///nohost", "http://user:pw@93.184.215.14/", "hook"]
)
def test_malformed_targets_are_refused(url):  # type: ignore[no-untyped-def]
    with pytest.raises(ssrf.TargetRefused):
        ssrf.check_target(url, allow_private=True)


def test_public_and_allowed_private_targets_pass():  # type: ignore[no-untyped-def]
    assert ssrf.check_target("https://93.184.215.14/x", allow_private=False)[2] == 443
    assert ssrf.check_target("http://127.0.0.1:9/x", allow_private=True)[1] == "127.0.0.1"


def test_signature_round_trip_and_replay_window():  # type: ignore[no-untyped-def]
    now = int(time.time())
    sig = signer.sign("s3cret-s3cret-s3cret", b'{"a":1}', now)
    assert sig.startswith("sha256=") and len(sig) == 7 + 64
    assert signer.verify("s3cret-s3cret-s3cret", b'{"a":1}', str(now), sig)
    assert not signer.verify("s3cret-s3cret-s3cret", b'{"a":2}', str(now), sig)
    assert not signer.verify("s3cret-s3cret-s3cret", b'{"a":1}', str(now - 1000), sig)
    assert not signer.verify("s3cret-s3cret-s3cret", b'{"a":1}', "garbage", sig)


@pytest.mark.django_db
def test_only_admins_manage_webhooks(desk):  # type: ignore[no-untyped-def]
    with pytest.raises(NotPermitted):
        services.create_subscription(
            actor=desk.supervisor, name="x", url="http://93.184.215.14/", events=["ticket.created"]
        )


@pytest.mark.django_db
def test_webhooks_api(roles, desk):  # type: ignore[no-untyped-def]
    body = {"name": "CRM", "url": "http://127.0.0.1:9/hook", "events": ["ticket.created"]}
    for role in ("l1", "supervisor", "customer_a"):
        assert_problem(roles[role].post("/webhooks", body), 403)
        assert_problem(roles[role].get("/webhooks"), 403)
    refused = assert_problem(roles["admin"].post("/webhooks", body), 422, "target_refused")
    assert refused["errors"][0]["field"] == "url"
    assert Subscription.objects.count() == 0
    assert_problem(roles["admin"].post("/webhooks", {**body, "events": ["nope"]}), 422)
    made = roles["admin"].post("/webhooks", {**body, "allow_private_network": True})
    assert made.status_code == 201, made.content
    sub = made.json()
    assert sub["secret"].startswith("whsec_") and sub["allow_private_network"] is True
    listed = roles["admin"].get("/webhooks").json()["items"]
    assert [s["id"] for s in listed] == [sub["id"]] and "secret" not in listed[0]
    # turning the opt-in off while the target is loopback is refused
    assert_problem(
        roles["admin"].patch(f"/webhooks/{sub['id']}", {"allow_private_network": False}), 422
    )
    patched = roles["admin"].patch(f"/webhooks/{sub['id']}", {"events": ["sla.breached"]})
    assert patched.json()["events"] == ["sla.breached"]
    rotated = roles["admin"].post(f"/webhooks/{sub['id']}/rotate-secret").json()["secret"]
    assert rotated != sub["secret"] and Subscription.objects.get().secret == rotated
    assert roles["admin"].delete(f"/webhooks/{sub['id']}").status_code == 204
    assert_problem(roles["admin"].get(f"/webhooks/{sub['id']}"), 404)
