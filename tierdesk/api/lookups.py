"""Resolve ids given in request bodies. An unknown id — or one the caller may not see — is bad
input (422 naming the field), never a leak of what exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierdesk.api import access
from tierdesk.api.auth import Principal
from tierdesk.categories.models import Category
from tierdesk.core.errors import InvalidInput
from tierdesk.customers.models import Contact
from tierdesk.devices.models import Device
from tierdesk.tiers.models import Team, Tier

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.kb.models import Article


def tier_by_level(level: int, *, field: str = "to_tier") -> Tier:
    tier = Tier.objects.filter(level=level).first()
    if tier is None:
        raise InvalidInput(f"There is no tier L{level}.", field=field)
    return tier


def team(team_id: int | None, *, field: str = "team_id") -> Team | None:
    if team_id is None:
        return None
    found = Team.objects.filter(pk=team_id).first()
    if found is None:
        raise InvalidInput(f"There is no team {team_id}.", field=field)
    return found


def category(p: Principal, category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    qs = Category.objects.all() if p.is_agent else Category.objects.filter(is_active=True)
    found = qs.filter(pk=category_id).first()
    if found is None:
        raise InvalidInput(f"There is no category {category_id}.", field="category_id")
    return found


def device(p: Principal, device_id: int | None) -> Device | None:
    if device_id is None:
        return None
    found = access.devices(p).filter(pk=device_id).first()
    if found is None:
        raise InvalidInput(f"There is no device {device_id}.", field="device_id")
    return found


def contact(p: Principal, contact_id: int, *, field: str = "requester_id") -> Contact:
    found = access.contacts(p).select_related("organization").filter(pk=contact_id).first()
    if found is None:
        raise InvalidInput(f"There is no contact {contact_id}.", field=field)
    return found


def agent(user_id: int, *, field: str = "assignee_id") -> User:
    from tierdesk.accounts.models import User
    from tierdesk.tickets import permissions

    found = User.objects.filter(pk=user_id).first()
    if found is None or not permissions.is_agent(found):
        raise InvalidInput(f"There is no active agent {user_id}.", field=field)
    return found


def article(p: Principal, article_id: int | None) -> Article | None:
    if article_id is None:
        return None
    from tierdesk.kb.models import Article, Visibility

    qs = Article.objects.all()
    if not p.is_agent:
        qs = qs.filter(visibility=Visibility.PUBLIC, is_published=True)
    found = qs.filter(pk=article_id).first()
    if found is None:
        raise InvalidInput(f"There is no article {article_id}.", field="article_id")
    return found
