"""Login, logout, language switch and personal preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tierdesk.agent import preferences
from tierdesk.agent.access import PORTAL_URL, staff_required


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
    )


def _safe_next(request: HttpRequest, default: str = "/agent/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    """Django's login; afterwards staff land in the workspace in their own language and
    customers are sent to the portal."""

    template_name = "agent/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        user = self.request.user
        if getattr(user, "is_customer", False):
            return PORTAL_URL
        return super().get_success_url()

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = getattr(form.get_user(), "language", "") or ""
        if language in preferences.LANGUAGE_CODES:
            _set_language_cookie(response, language)
        return response


class LogoutView(auth_views.LogoutView):
    next_page = "/agent/login/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user keeps it as his preference."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request))
    if language not in preferences.LANGUAGE_CODES:
        return response
    if request.user.is_authenticated and hasattr(request.user, "language"):
        preferences.update_preferences(user=request.user, language=language)  # type: ignore[arg-type]
    translation.activate(language)
    _set_language_cookie(response, language)
    return response


def _timezone_choices() -> list[tuple[str, object]]:
    import zoneinfo

    common = [
        "Europe/Kaliningrad",
        "Europe/Moscow",
        "Europe/Samara",
        "Asia/Yekaterinburg",
        "Asia/Omsk",
        "Asia/Novosibirsk",
        "Asia/Krasnoyarsk",
        "Asia/Irkutsk",
        "Asia/Yakutsk",
        "Asia/Vladivostok",
        "Asia/Magadan",
        "Asia/Kamchatka",
        "UTC",
    ]
    rest = sorted(zoneinfo.available_timezones() - set(common))
    return [("", gettext_lazy("Server default"))] + [(z, z) for z in common + rest]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = _timezone_choices()  # type: ignore[attr-defined]


@staff_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                preferences.update_preferences(
                    user=user,  # type: ignore[arg-type]
                    language=form.cleaned_data["language"],
                    timezone=form.cleaned_data["timezone"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                translation.activate(form.cleaned_data["language"])
                messages.success(request, _("Preferences saved."))
                response = HttpResponseRedirect("/agent/profile/")
                _set_language_cookie(response, form.cleaned_data["language"])
                return response
    else:
        form = PreferencesForm(
            initial={"language": getattr(user, "language", "ru"), "timezone": user.timezone}  # type: ignore[union-attr]
        )
    return render(request, "agent/profile.html", {"form": form})
