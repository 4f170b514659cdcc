"""Settings for every deployment shape, read only from the environment.

Embedded shape (the default): no ``DATABASE_URL`` → SQLite under ``GONGDAN_DATA_DIR`` (``./var``),
Huey on SQLite, database cache, and a secret key generated into the data dir on first run.
Anything else (PostgreSQL, Redis, many processes) is chosen by environment variables; outside the
embedded shape the server refuses to start without ``SECRET_KEY``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

import bootstrap_wrapper
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP  # type: ignore[import-not-found,unused-ignore]
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
# An empty GONGDAN_DATA_DIR means "not set" (never the current directory).
DATA_DIR = Path(os.environ.get("GONGDAN_DATA_DIR") or Path.cwd() / "var").resolve()
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED = not DATABASE_URL or DATABASE_URL.startswith("sqlite")
# pytest (≥ 8.2) sets PYTEST_VERSION before Django's settings load; the test run gets a fixed
# secret key, synchronous tasks and fast password hashing.
TESTING = env_bool("GONGDAN_TESTING") or "PYTEST_VERSION" in os.environ


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if TESTING:
        return "insecure-test-only-secret-key"
    if not EMBEDDED:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when gongdan runs outside the embedded SQLite shape."
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
# Keys of the encrypted columns (core/crypto.py): comma-separated Fernet keys, the first encrypts.
# Empty: one key derived from SECRET_KEY.
GONGDAN_FIELD_KEYS = env_list("GONGDAN_FIELD_KEYS")
# The audit chain's HMAC key (gongdan.audit.chain); keep it outside the database and its backups.
# Empty: derived from SECRET_KEY. Changing either: `gongdan manage audit_reseal --old-key …`.
GONGDAN_AUDIT_KEY = os.environ.get("GONGDAN_AUDIT_KEY", "")
DEBUG = env_bool("GONGDAN_DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("GONGDAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "echarts",  # django-static-echarts: echarts/echarts.min.js for the report charts
    "huey.contrib.djhuey",
    "gongdan.core",
    "gongdan.jobs",
    "gongdan.accounts",
    "gongdan.customers",
    "gongdan.tickets",
    "gongdan.audit",
    "gongdan.sla",
    "gongdan.notifications",
    "gongdan.channels",
    "gongdan.channels.email.apps.EmailChannelConfig",
    "gongdan.search",
    "gongdan.knowledge",
    "gongdan.assignment",
    "gongdan.live",
    "gongdan.reports",
    "gongdan.portal",
    "gongdan.demo",  # seed_demo / seed_bench; imports the domain apps, nothing imports it
]

# Outbound mail (SMTP). Setting EMAIL_HOST turns the email notification channel on.
_smtp_host = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _smtp_host or "localhost",
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": os.environ.get("EMAIL_USE_TLS", "").lower() in {"1", "true", "yes", "on"},
            "use_ssl": os.environ.get("EMAIL_USE_SSL", "").lower() in {"1", "true", "yes", "on"},
            "timeout": 30,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("GONGDAN_MAIL_FROM", "gongdan <helpdesk@gongdan.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
GONGDAN_EMAIL_ENABLED = bool(_smtp_host)
GONGDAN_MAIL_SENDER_LIMIT_PER_HOUR = int(os.environ.get("GONGDAN_MAIL_SENDER_LIMIT_PER_HOUR", "30"))
# A search matching more documents than this ranks the newest this many (0: all of them).
GONGDAN_SEARCH_CANDIDATES = int(os.environ.get("GONGDAN_SEARCH_CANDIDATES", "2000"))
# A customer who sees at most this many tickets searches starting from them (search.selectors).
GONGDAN_SEARCH_SMALL_SCOPE = int(os.environ.get("GONGDAN_SEARCH_SMALL_SCOPE", "5000"))
# How long the confirm / reopen links of a resolution mail work (tickets/services/action_links.py).
GONGDAN_ACTION_LINK_DAYS = int(os.environ.get("GONGDAN_ACTION_LINK_DAYS", "14"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "gongdan.core.api_support.ApiJsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongdan.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gongdan.config.urls"
WSGI_APPLICATION = "gongdan.config.wsgi.application"
ASGI_APPLICATION = "gongdan.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongdan.accounts.context_processors.desk_brand",
            ],
        },
    }
]

# Inputs, selects, textareas and labels written in Python, the same markup as Django's templates.
FORM_RENDERER = "gongdan.core.form_renderer.FastRenderer"

# --- Database -----------------------------------------------------------------------------------
if EMBEDDED:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _sqlite_path = (
        DATABASE_URL.removeprefix("sqlite:///") if DATABASE_URL else str(DATA_DIR / "gongdan.db")
    )
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": "gongdan.core.db.sqlite3",
            "NAME": _sqlite_path,
            "OPTIONS": {
                # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at
                # BEGIN, so two writers queue instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # journal_mode=WAL is a property of the file, set once after migrate
                # (core.apps); setting it on every new connection takes a lock each time.
                "init_command": (
                    "PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-65536;PRAGMA mmap_size=268435456;"
                ),
            },
            # In memory unless asked for a file; named so (not left empty) because pytest-django
            # would otherwise give each xdist worker "test_<path>_gwN", a file in no directory.
            "TEST": {
                "NAME": str(DATA_DIR / "test.db")
                if env_bool("GONGDAN_TEST_DB_FILE")
                else ":memory:"
            },
            # Persistent: the web server's threads are a fixed pool, each keeps its connection
            # (opening and closing a WAL database costs more than most requests).
            "CONN_MAX_AGE": None,
        }
    }
else:
    DATABASES = {"default": dict(dj_database_url.parse(DATABASE_URL))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A connection pool per process, shared by its request threads and the task consumer's.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("GONGDAN_DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("GONGDAN_DB_POOL_MAX", "10")),
            "timeout": 10,
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------------
# "default" is shared by every process (rate limits that must hold across processes: the API
# throttle, the portal's progress lookup; gongdan.core.counters counts atomically in it, or in a
# database row where the database cache cannot). "local" holds per-process data that may differ
# between workers: with Redis it is Redis too; without, it stays in memory.
if REDIS_URL:
    _redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "gongdan",
    }
    CACHES = {"default": _redis, "local": _redis}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gongdan_cache",
        },
        "local": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "gongdan-local",
        },
    }

# --- Tasks (Huey) -------------------------------------------------------------------------------
_huey_common: dict[str, Any] = {
    "name": "gongdan",
    "immediate": env_bool("GONGDAN_TASKS_IMMEDIATE", default=TESTING),
    "results": False,
    "consumer": {
        "workers": int(os.environ.get("GONGDAN_WORKERS", "2")),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
    },
}
if REDIS_URL:
    HUEY = {**_huey_common, "huey_class": "gongdan.jobs.huey.RedisHuey", "url": REDIS_URL}
else:
    # One host without Redis (embedded, or PostgreSQL on one machine): the queue is a SQLite file
    # in the data dir. Several hosts need REDIS_URL so that every consumer sees one queue.
    HUEY = {
        **_huey_common,
        "huey_class": "gongdan.jobs.huey.SqliteHuey",
        "filename": str(DATA_DIR / "tasks.db"),
    }

# Outbox dispatch (gongdan.jobs.outbox): how long a consumer's claim on a batch lasts before
# another may take it over, and how long processed events are kept.
GONGDAN_OUTBOX_CLAIM_SECONDS = int(os.environ.get("GONGDAN_OUTBOX_CLAIM_SECONDS", "60"))
GONGDAN_OUTBOX_RETENTION_DAYS = int(os.environ.get("GONGDAN_OUTBOX_RETENTION_DAYS", "30"))

# Channels (gongdan.channels): outgoing webhooks and IM robots.
GONGDAN_WEBHOOK_TIMEOUT = float(os.environ.get("GONGDAN_WEBHOOK_TIMEOUT", "10"))
GONGDAN_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("GONGDAN_WEBHOOK_MAX_ATTEMPTS", "6"))
GONGDAN_WEBHOOK_RETRY_BASE = int(os.environ.get("GONGDAN_WEBHOOK_RETRY_BASE", "30"))  # seconds
GONGDAN_WEBHOOK_DISABLE_AFTER = int(os.environ.get("GONGDAN_WEBHOOK_DISABLE_AFTER", "10"))
GONGDAN_WEBHOOK_LOG_DAYS = int(os.environ.get("GONGDAN_WEBHOOK_LOG_DAYS", "30"))
# Outbound channel requests (webhooks, group robots, IM apps, SMS) go to public addresses only;
# these comma-separated CIDR networks (e.g. "10.20.0.0/16,fd00:1::/64") are allowed as well.
GONGDAN_WEBHOOK_ALLOWED_NETWORKS = env_list("GONGDAN_WEBHOOK_ALLOWED_NETWORKS")
# Code of the WecomApp that delivers per-user notifications (empty: the channel is off).
GONGDAN_WECOM_NOTIFY_APP = os.environ.get("GONGDAN_WECOM_NOTIFY_APP", "")
# Codes of the ImApp rows that send DingTalk work notifications / Feishu messages to users.
GONGDAN_DINGTALK_NOTIFY_APP = os.environ.get("GONGDAN_DINGTALK_NOTIFY_APP", "")
GONGDAN_FEISHU_NOTIFY_APP = os.environ.get("GONGDAN_FEISHU_NOTIFY_APP", "")
# SMS notifications (channel "sms"): provider "aliyun" or "tencent", with an approved signature
# and a template whose variables are the ticket number and the sentence (channels/sms/).
GONGDAN_SMS_PROVIDER = os.environ.get("GONGDAN_SMS_PROVIDER", "")
GONGDAN_SMS_KEY_ID = os.environ.get("GONGDAN_SMS_KEY_ID", "")
GONGDAN_SMS_KEY_SECRET = os.environ.get("GONGDAN_SMS_KEY_SECRET", "")
GONGDAN_SMS_SIGN_NAME = os.environ.get("GONGDAN_SMS_SIGN_NAME", "")
GONGDAN_SMS_TEMPLATE = os.environ.get("GONGDAN_SMS_TEMPLATE", "")
GONGDAN_SMS_CODE_TEMPLATE = os.environ.get("GONGDAN_SMS_CODE_TEMPLATE", "")  # portal lookup codes
GONGDAN_SMS_APP_ID = os.environ.get("GONGDAN_SMS_APP_ID", "")  # Tencent SmsSdkAppId
GONGDAN_SMS_REGION = os.environ.get("GONGDAN_SMS_REGION", "ap-guangzhou")  # Tencent
GONGDAN_SMS_ENDPOINT = os.environ.get("GONGDAN_SMS_ENDPOINT", "")  # default: the vendor's

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gongdan.accounts.backends.EmailOrMobileBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("GONGDAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
with contextlib.suppress(OSError):  # whitenoise warns on every request when it is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("bootstrap", bootstrap_wrapper.get_bootstrap_dir())]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("GONGDAN_MEDIA_DIR", DATA_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # attachments are downloaded only through authorised views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
GONGDAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("GONGDAN_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
GONGDAN_ATTACHMENT_ALLOWED = env_list(
    "GONGDAN_ATTACHMENT_ALLOWED",
    ".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,.csv,.xlsx,.xls,.docx,.doc,.pptx,.zip,.7z,.json,.xml,.eml",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Tickets ------------------------------------------------------------------------------------
GONGDAN_TICKET_PREFIX = os.environ.get("GONGDAN_TICKET_PREFIX", "GD")

# --- Security -----------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env_bool("GONGDAN_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("GONGDAN_BEHIND_PROXY") else None
)
# HSTS: a site served over TLS (secure cookies, or a TLS-terminating proxy) tells browsers never to
# try plain HTTP again, so a network attacker cannot strip TLS from a later visit. Django sends the
# header only on secure requests. 0 turns it off; subdomains and preload are opt-in because they
# bind every host under the domain (and preload lists are hard to leave).
_TLS = SESSION_COOKIE_SECURE or env_bool("GONGDAN_BEHIND_PROXY")
SECURE_HSTS_SECONDS = int(os.environ.get("GONGDAN_HSTS_SECONDS", "31536000" if _TLS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GONGDAN_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("GONGDAN_HSTS_PRELOAD")

NINJA_PAGINATION_PER_PAGE = 50
# Requests per API user (django-ninja rate syntax); read by core.api_support.UserRateThrottle.
GONGDAN_API_RATE = os.environ.get("GONGDAN_API_RATE", "1200/min")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGDAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}

ADMIN_SITE_TITLE = _("gongdan administration")
