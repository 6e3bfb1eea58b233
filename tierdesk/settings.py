"""Settings for tierdesk, read from the environment (DESIGN §7).

DATABASE_URL (default SQLite under var/), TIERDESK_SECRET_KEY, TIERDESK_ALLOWED_HOSTS,
TIERDESK_DEBUG, EMAIL_URL (e.g. smtp://127.0.0.1:2525), TIERDESK_DATA_DIR.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("TIERDESK_VAR_DIR", PROJECT_DIR / "var"))
DATA_DIR = Path(os.environ.get("TIERDESK_DATA_DIR", VAR_DIR / "data"))

DEBUG = env_bool("TIERDESK_DEBUG", False)
SECRET_KEY = os.environ.get(
    "TIERDESK_SECRET_KEY", "insecure-development-key-set-TIERDESK_SECRET_KEY-in-production"
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TIERDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TIERDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.environ.get("TIERDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the Swagger UI of /api/v1/docs locally (no CDN)
    # base and domain
    "tierdesk.core",
    "tierdesk.accounts",
    "tierdesk.customers",
    "tierdesk.tiers",
    "tierdesk.devices",
    "tierdesk.categories",
    "tierdesk.contracts",
    "tierdesk.sla",
    "tierdesk.kb",
    # lifecycle
    "tierdesk.tickets",
    # decisions
    "tierdesk.escalation",
    "tierdesk.billing",
    "tierdesk.notifications",
    "tierdesk.vendors",
    # adapters
    "tierdesk.mail",
    "tierdesk.phone",
    "tierdesk.agent",
    "tierdesk.portal",
    "tierdesk.forum",
    "tierdesk.api",
    "tierdesk.webhooks",
    "tierdesk.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tierdesk.core.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "tierdesk.urls"
WSGI_APPLICATION = "tierdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'tierdesk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL mode, a busy timeout and IMMEDIATE transactions let the web server and the
            # worker share one file without "database is locked" on writes.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TIERDESK_SQLITE_TEST_NAME", "")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/agent/login/"
LOGIN_REDIRECT_URL = "/agent/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIERDESK_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"

# ---- background jobs (DESIGN §6) ----
TASKS_BACKEND = os.environ.get("TIERDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKEND,
        "QUEUES": ["default", "mail", "sla", "webhooks"],
    }
}


# ---- e-mail (EMAIL_URL) ----
def _email_settings(url: str | None) -> dict[str, object]:
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    scheme = parsed.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme in {"memory", "locmem"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "127.0.0.1",
        "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "smtp+tls" or query.get("tls") in {"1", "true"},
        "EMAIL_TIMEOUT": 30,
    }


globals().update(_email_settings(os.environ.get("EMAIL_URL")))
DEFAULT_FROM_EMAIL = os.environ.get("TIERDESK_FROM_EMAIL", "support@tierdesk.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---- product settings ----
TIERDESK: dict[str, Any] = {
    "AUTO_CLOSE_DAYS": int(os.environ.get("TIERDESK_AUTO_CLOSE_DAYS", "7")),
    "CURRENCY": os.environ.get("TIERDESK_CURRENCY", "RUB"),
    "TICKET_PREFIX": "TD",
    "MAX_ATTACHMENT_BYTES": int(os.environ.get("TIERDESK_MAX_ATTACHMENT_BYTES", str(25 * 2**20))),
    "HOLIDAY_COUNTRY": os.environ.get("TIERDESK_HOLIDAY_COUNTRY", "RU"),
    # Run the background worker inside the web process (embedded mode of `make run`).
    "EMBEDDED_WORKER": env_bool("TIERDESK_EMBEDDED_WORKER", False),
    # Rate limits of public forms (tierdesk.core.ratelimit), counted in the database.
    "RATELIMIT_ENABLED": env_bool("TIERDESK_RATELIMIT", True),
    # Behind a reverse proxy: the header with the client address, e.g. HTTP_X_FORWARDED_FOR.
    "CLIENT_IP_HEADER": os.environ.get("TIERDESK_CLIENT_IP_HEADER", ""),
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG and env_bool("TIERDESK_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TIERDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}
