from __future__ import annotations

from tierdesk.tiers.models import Tier


def first_tier() -> Tier:
    tier = Tier.objects.order_by("level").first()
    if tier is None:
        raise Tier.DoesNotExist("No support tiers are configured; add one in the admin.")
    return tier


def next_tier(tier: Tier) -> Tier | None:
    return Tier.objects.filter(level__gt=tier.level).order_by("level").first()


def previous_tier(tier: Tier) -> Tier | None:
    return Tier.objects.filter(level__lt=tier.level).order_by("-level").first()


def tiers_between(lower: Tier, upper: Tier) -> list[Tier]:
    """Tiers strictly between two tiers (the ones a skip jumps over)."""
    lo, hi = sorted([lower.level, upper.level])
    return list(Tier.objects.filter(level__gt=lo, level__lt=hi).order_by("level"))
