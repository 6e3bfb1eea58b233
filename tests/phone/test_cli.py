"""``tierdesk cti token …``: the token is printed alone on the last line and works."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tierdesk.phone.models import Call, CtiIntegration


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("cti", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_token_create_prints_the_token_alone_on_the_last_line(client):  # type: ignore[no-untyped-def]
    output = run("token", "create", "Asterisk office")
    token = output.rstrip("\n").splitlines()[-1]
    assert token == token.strip() and " " not in token and len(token) >= 40
    integration = CtiIntegration.objects.get(name="Asterisk office")
    assert token not in (integration.token_hash, integration.token_prefix)  # stored hashed
    r = client.post(
        f"/api/v1/cti/{token}",
        data=json.dumps(
            {"event": "newCall", "callId": "1", "from": "1", "to": "2", "direction": "in"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 200 and Call.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_name_is_refused(client):  # type: ignore[no-untyped-def]
    run("token", "create", "pbx")
    with pytest.raises(CommandError, match="exists already"):
        run("token", "create", "PBX")
    with pytest.raises(CommandError, match="NAME"):
        run("token", "create")


@pytest.mark.django_db
def test_rotate_list_and_disable(client):  # type: ignore[no-untyped-def]
    old = run("token", "create", "pbx").splitlines()[-1]
    new = run("token", "rotate", "pbx").splitlines()[-1]
    assert new != old
    payload = json.dumps({"event": "answer", "callId": "9"})
    assert client.post(f"/api/v1/cti/{old}", payload, "application/json").status_code == 401
    assert client.post(f"/api/v1/cti/{new}", payload, "application/json").status_code == 200
    assert "pbx\t" in run("token", "list")
    run("token", "disable", "pbx")
    assert client.post(f"/api/v1/cti/{new}", payload, "application/json").status_code == 401
    with pytest.raises(CommandError, match="No telephony integration"):
        run("token", "rotate", "nope")


def test_console_script_help():  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [sys.executable, "-m", "tierdesk.cli", "cti", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TIERDESK_LOG_LEVEL": "WARNING"},
    )
    assert "token create NAME" in done.stdout.replace("\n", " ").replace("  ", " ")


@pytest.mark.django_db
def test_admin_creates_an_integration_and_shows_the_token_once(admin_client, client):  # type: ignore[no-untyped-def]
    r = admin_client.post(
        "/admin/phone/ctiintegration/add/", {"name": "FreePBX", "is_active": "on"}, follow=True
    )
    assert r.status_code == 200
    integration = CtiIntegration.objects.get(name="FreePBX")
    text = r.content.decode()
    marker = "/api/v1/cti/"
    token = text.split(marker, 1)[1].split("<", 1)[0].split()[0].strip()
    assert token.startswith(integration.token_prefix) and len(token) >= 40
    payload = json.dumps({"event": "answer", "callId": "a"})
    assert client.post(f"/api/v1/cti/{token}", payload, "application/json").status_code == 200
    # the change page never shows the token again
    page = admin_client.get(f"/admin/phone/ctiintegration/{integration.pk}/change/")
    assert token not in page.content.decode()
