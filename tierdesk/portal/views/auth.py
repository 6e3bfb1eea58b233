"""Sign-in, sign-out, password reset, self-registration and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tierdesk.core import ratelimit
from tierdesk.core.errors import DomainError
from tierdesk.portal import accounts
from tierdesk.portal.access import contact_of
from tierdesk.portal.forms import EmailForm, RegisterForm, SetPasswordForm, SignInForm

HOME = "/portal/"


def _safe_next(request: HttpRequest, default: str = HOME) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
    )


@require_http_methods(["GET", "POST"])
@ratelimit.ratelimit("portal.login", limit=20, period=600, key="ip")
def sign_in(request: HttpRequest) -> HttpResponse:
    if contact_of(request.user) is not None:
        return HttpResponseRedirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        per_account = ratelimit.hit("portal.login.email", email, limit=10, period=900)
        if not per_account.allowed:
            return ratelimit.too_many_response(request, per_account.retry_after)
        user = accounts.sign_in(request, email=email, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The e-mail or the password is wrong."))
        else:
            login(request, user)
            contact = contact_of(user)
            response = HttpResponseRedirect(_safe_next(request))
            language = (contact.language if contact else "") or user.language
            if language in ("ru", "en"):
                _language_cookie(response, language)
            return response
    return render(request, "portal/sign_in.html", {"form": form, "next": _safe_next(request, "")})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/portal/login/")


@require_http_methods(["GET", "POST"])
@ratelimit.ratelimit("portal.reset", limit=10, period=3600, key="ip")
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        per_address = ratelimit.hit("portal.reset.email", email, limit=3, period=3600)
        if per_address.allowed:
            accounts.request_password_reset(email=email)
        return render(request, "portal/reset_sent.html", {"email": email})
    return render(request, "portal/reset.html", {"form": form})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link from a reset or invitation mail: choose a password, then you are signed in."""

    template_name = "portal/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = HOME

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        # Only customer logins are managed here; staff reset their password with the admin.
        if user is not None and not getattr(user, "is_customer", False):
            return None
        return user

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is set. Welcome!"))
        return super().form_valid(form)


set_password = ratelimit.ratelimit("portal.set_password", limit=20, period=3600, key="ip")(
    SetPasswordView.as_view()
)


@require_http_methods(["GET", "POST"])
@ratelimit.ratelimit("portal.register", limit=5, period=3600, key="ip")
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if ratelimit.hit("portal.register.email", email, limit=3, period=3600).allowed:
            try:
                accounts.start_registration(
                    email=email,
                    name=form.cleaned_data["name"],
                    language=translation.get_language() or "ru",
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                return render(request, "portal/register.html", {"form": form})
        return render(request, "portal/register_sent.html", {"email": email})
    return render(request, "portal/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
@ratelimit.ratelimit("portal.register.confirm", limit=20, period=3600, key="ip")
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = accounts.read_registration(token)
    except DomainError as exc:
        return render(request, "portal/register_invalid.html", {"error": exc.message}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.complete_registration(
                token=token, password=form.cleaned_data["password1"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Welcome!"))
            response = HttpResponseRedirect(HOME)
            _language_cookie(response, data["language"])
            return response
    return render(request, "portal/register_confirm.html", {"form": form, "data": data})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language; a signed-in customer keeps it for pages and mails."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request))
    if language not in ("ru", "en"):
        return response
    contact = contact_of(request.user)
    if contact is not None:
        accounts.set_contact_language(contact=contact, language=language)
    translation.activate(language)
    _language_cookie(response, language)
    return response
