"""The generic CTI event model (the one PBX scripts already send to Zammad), parsed without
the database: ``parse_event`` turns a JSON object or a form into a :class:`CtiEvent` or raises
:class:`~tierdesk.core.errors.InvalidInput` with a message the PBX administrator can act on.

Events: ``newCall`` | ``answer`` | ``hangup``, keyed by ``callId`` (at most 250 characters), with
``from``, ``to``, ``direction`` (``in``/``out``), ``user`` (agent names; in forms ``user[]``,
repeated), ``queue``, ``answeringNumber`` and ``cause`` (hang-up reason).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from tierdesk.core.errors import InvalidInput
from tierdesk.phone.models import Direction, HangupCause

EVENTS = ("newCall", "answer", "hangup")
MAX_CALL_ID = 250
MAX_FIELD = 64
MAX_USERS = 50


@dataclasses.dataclass(frozen=True)
class CtiEvent:
    event: str
    call_id: str
    direction: str = ""
    from_number: str = ""
    to_number: str = ""
    users: tuple[str, ...] = ()
    queue: str = ""
    answering_number: str = ""
    cause: str = ""


def _text(value: Any, name: str, *, limit: int = MAX_FIELD) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInput(f"{name!r} must be a string.", field=name)
    text = str(value).strip()
    if len(text) > limit:
        raise InvalidInput(f"{name!r} is longer than {limit} characters.", field=name)
    if any(ord(ch) < 32 for ch in text):
        raise InvalidInput(f"{name!r} contains control characters.", field=name)
    return text


def _users(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_USERS:
        raise InvalidInput(f"'user' names more than {MAX_USERS} users.", field="user")
    names = [_text(item, "user", limit=150) for item in items]
    return tuple(dict.fromkeys(n for n in names if n))


def parse_event(data: Mapping[str, Any]) -> CtiEvent:
    """Validate one event. Unknown keys are ignored (PBX scripts send extra context)."""
    event = _text(data.get("event"), "event")
    if not event:
        raise InvalidInput("'event' is missing; send newCall, answer or hangup.", field="event")
    if event not in EVENTS:
        raise InvalidInput(
            f"Unknown event {event!r}; send newCall, answer or hangup.", field="event"
        )
    call_id = _text(data.get("callId"), "callId", limit=MAX_CALL_ID)
    if not call_id:
        raise InvalidInput("'callId' is missing.", field="callId")
    direction = _text(data.get("direction"), "direction")
    if direction and direction not in Direction.values:
        raise InvalidInput(
            f"'direction' must be 'in' or 'out', not {direction!r}.", field="direction"
        )
    if event == "newCall" and not direction:
        raise InvalidInput("A newCall event needs 'direction' ('in' or 'out').", field="direction")
    from_number = _text(data.get("from"), "from")
    to_number = _text(data.get("to"), "to")
    if event == "newCall" and not (from_number or to_number):
        raise InvalidInput("A newCall event needs 'from' and 'to'.", field="from")
    cause = _text(data.get("cause"), "cause")
    if cause and cause not in HangupCause.values:
        raise InvalidInput(
            f"Unknown hang-up cause {cause!r}; use one of " + ", ".join(HangupCause.values) + ".",
            field="cause",
        )
    if cause and event != "hangup":
        raise InvalidInput("'cause' belongs to a hangup event.", field="cause")
    users = data.get("user[]", data.get("user"))
    return CtiEvent(
        event=event,
        call_id=call_id,
        direction=direction,
        from_number=from_number,
        to_number=to_number,
        users=_users(users),
        queue=_text(data.get("queue"), "queue", limit=100),
        answering_number=_text(data.get("answeringNumber"), "answeringNumber", limit=100),
        cause=cause,
    )


def decode_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The request body as a flat mapping: JSON objects as they are, forms with repeated keys
    (``user[]``) as lists. Raises InvalidInput for anything else."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidInput(f"The body is not valid JSON: {exc}.") from exc
        if not isinstance(data, dict):
            raise InvalidInput("The JSON body must be an object with the event's fields.")
        return data
    if media in ("application/x-www-form-urlencoded", ""):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput("The form body is not UTF-8.") from exc
        return flatten_form(parse_qs(text, keep_blank_values=True))
    raise InvalidInput(
        f"Unsupported content type {media!r}; send application/json or a form "
        "(application/x-www-form-urlencoded or multipart/form-data)."
    )


def flatten_form(form: Mapping[str, list[str]]) -> dict[str, Any]:
    """Single values as strings; ``user``/``user[]`` always as a list."""
    out: dict[str, Any] = {}
    for key, values in form.items():
        if key in ("user", "user[]"):
            out.setdefault("user", []).extend(values)
        else:
            out[key] = values[-1] if values else ""
    return out
