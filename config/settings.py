"""Willaq settings. Every deployment value comes from the environment (see README)."""

from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets classes such as ModelAdmin and QuerySet take type arguments at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where the installation keeps its files: the SQLite database, uploads, the embedded Celery
# broker's queue, collected static files (CI gives each of its parallel runs its own).
VAR_DIR = Path(env.str("WILLAQ_VAR_DIR", default=str(BASE_DIR / "var")))

# Which kind of installation this is; anything but the known names refuses to start, so a typo
# such as "prod" cannot quietly run a server with development defaults.
#   development  (the default: `make run`, `make dev`, tests) fixed insecure key, demo data allowed;
#   production   a real SECRET_KEY is required, DEBUG off, HTTPS-only cookies, HSTS, no demo data.
WILLAQ_ENVIRONMENTS = ("development", "production")
WILLAQ_ENV = env.str("WILLAQ_ENV", default="development")
if WILLAQ_ENV not in WILLAQ_ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"WILLAQ_ENV={WILLAQ_ENV!r} is not a known environment; "
        f"use one of: {', '.join(WILLAQ_ENVIRONMENTS)}."
    )
DEVELOPMENT = WILLAQ_ENV == "development"

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if DEVELOPMENT:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
elif (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        f"WILLAQ_ENV={WILLAQ_ENV} needs a real SECRET_KEY: at least 50 random characters, not "
        "the development key (make one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

DEBUG = env.bool("DEBUG", default=DEVELOPMENT)
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured(f"DEBUG cannot be on when WILLAQ_ENV={WILLAQ_ENV}.")

# Outside development the site's own host names must be given: no default answers for a server.
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEVELOPMENT else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        f"WILLAQ_ENV={WILLAQ_ENV} needs ALLOWED_HOSTS: the host names the site answers to, "
        "comma-separated (for example willaq.defensoria.gob.pe)."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from static files, not from a CDN
    "simple_history",
    "axes",
    "csp",
    "willaq.core",
    "willaq.accounts",
    "willaq.audit",
    "willaq.territory",
    "willaq.cases",
    "willaq.imports",
    "willaq.earlywarning",
    "willaq.dialogue",
    "willaq.peoples",
    "willaq.consultation",
    "willaq.complaints",
    "willaq.reports",
]

MIDDLEWARE = [
    "willaq.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "willaq.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "willaq.core.context_processors.willaq",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'willaq.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (each gunicorn worker thread keeps its own for CONN_MAX_AGE seconds,
# checked before reuse after an error) instead of a new PostgreSQL backend for every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the background worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

# Django's cache (the API's rate counters, the charts' series): CACHE_URL, e.g.
# redis://127.0.0.1:6379/1 in production, shared by every server process; by default a
# local-memory cache of each process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (willaq/accounts/throttling.py): an account is locked after AXES_FAILURE_LIMIT
# failures from any address; an address alone only after AXES_IP_FAILURE_LIMIT failures over all
# accounts (an office behind one NAT shares it); a successful login clears the account's failures.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "willaq.accounts.throttling.LoginThrottle"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"], "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (it holds the e-mail address)
AXES_USERNAME_CALLABLE = "willaq.accounts.throttling.login_name"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out are refused without being counted, so the lockout ends one cool-off
# time after the failure that caused it instead of being prolonged by whoever keeps trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "willaq.accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "willaq.accounts.throttling.lockout_response"

# The client's address is read from a proxy header only when proxies we trust sit in front of
# the app: WILLAQ_TRUSTED_PROXY_COUNT of them, each appending to WILLAQ_PROXY_IP_HEADER.
WILLAQ_TRUSTED_PROXY_COUNT = env.int("WILLAQ_TRUSTED_PROXY_COUNT", default=0)
WILLAQ_PROXY_IP_HEADER = env.str("WILLAQ_PROXY_IP_HEADER", default="HTTP_X_FORWARDED_FOR")

# Password-reset requests accepted per hour from one address and for one e-mail address.
PASSWORD_RESET_IP_LIMIT = env.int("PASSWORD_RESET_IP_LIMIT", default=10)
PASSWORD_RESET_EMAIL_LIMIT = env.int("PASSWORD_RESET_EMAIL_LIMIT", default=3)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Spanish first; source strings are Spanish, English is a translation (see README).
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True
# Numbers with thousands separators and one date format, as each language writes them
# (config/formats/<language>/formats.py). A number that is a code, not a quantity, is printed
# with |unlocalize.
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Evidence uploads: size cap and the types an analyst may attach.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Largest spreadsheet the import reads (a larger file is refused before it is read).
WILLAQ_IMPORT_MAX_BYTES = env.int("WILLAQ_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# Open data: the most rows an XLSX export holds (CSV, JSON and GeoJSON stream without a limit).
WILLAQ_XLSX_MAX_ROWS = env.int("WILLAQ_XLSX_MAX_ROWS", default=100_000)
# Links in e-mails and notifications sent outside a request (Celery's scheduled tasks).
WILLAQ_BASE_URL = env.str("WILLAQ_BASE_URL", default="http://127.0.0.1:8000")
# Early warning: a response is due within this many hours of its order; the team is warned
# at WARN hours, and an overdue order is escalated.
WILLAQ_RESPONSE_HOURS = env.int("WILLAQ_RESPONSE_HOURS", default=48)
WILLAQ_RESPONSE_WARN_HOURS = env.int("WILLAQ_RESPONSE_WARN_HOURS", default=36)
# --- early warning: SMS webhook and pre-alerts API ---
# The shared secret the SMS gateway sends with every message (header X-Willaq-Sms-Secret or field
# "secret"); empty: the webhook answers 403 to everything (fails closed).
WILLAQ_SMS_SECRET = env.str("WILLAQ_SMS_SECRET", default="")
# The institution (slug) whose queue receives SMS from unknown numbers; empty: the first active
# institution that has reporters.
WILLAQ_SMS_DEFAULT_INSTITUTION = env.str("WILLAQ_SMS_DEFAULT_INSTITUTION", default="")
# Pre-alerts accepted per sender and hour (SMS) and per account and hour (POST /api/v1/prealerts);
# beyond, 429 (an SMS is kept in the audit log).
WILLAQ_SMS_PER_HOUR = env.int("WILLAQ_SMS_PER_HOUR", default=30)
WILLAQ_API_PREALERTS_PER_HOUR = env.int("WILLAQ_API_PREALERTS_PER_HOUR", default=300)
# Outbound SMS (willaq.earlywarning.smsout): "console" logs them (development), "http" posts them
# to a gateway, "memory" keeps them in smsout.outbox (tests).
WILLAQ_SMS_BACKEND = env.str("WILLAQ_SMS_BACKEND", default="console")
WILLAQ_SMS_GATEWAY_URL = env.str("WILLAQ_SMS_GATEWAY_URL", default="")
WILLAQ_SMS_GATEWAY_TOKEN = env.str("WILLAQ_SMS_GATEWAY_TOKEN", default="")
WILLAQ_SMS_GATEWAY_TIMEOUT = env.float("WILLAQ_SMS_GATEWAY_TIMEOUT", default=10.0)
if WILLAQ_SMS_BACKEND not in ("console", "http", "memory"):
    raise ImproperlyConfigured(
        f"WILLAQ_SMS_BACKEND={WILLAQ_SMS_BACKEND!r} is not known; use console, http or memory."
    )
if WILLAQ_SMS_BACKEND == "http" and not WILLAQ_SMS_GATEWAY_URL:
    raise ImproperlyConfigured("WILLAQ_SMS_BACKEND=http needs WILLAQ_SMS_GATEWAY_URL.")
# --- end of the SMS webhook and pre-alerts API ---
# alerts: the CAP ``sender`` of every alert (empty: the host of WILLAQ_BASE_URL).
WILLAQ_CAP_SENDER = env.str("WILLAQ_CAP_SENDER", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Willaq <no-reply@willaq.local>")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
for _folder in CELERY_BROKER_TRANSPORT_OPTIONS.values():
    if isinstance(_folder, str):
        Path(_folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# response clock: warn deployment orders at 36 h, escalate them after 48 h (issue 8 §5).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "response-clock": {
        "task": "willaq.earlywarning.tasks.check_response_clock",
        "schedule": 600.0,  # every 10 minutes
    },
    # dialogue: remind responsible parties before due dates, flag overdue commitments (issue 9 §5).
    "commitment-deadlines": {
        "task": "willaq.dialogue.tasks.check_commitment_deadlines",
        "schedule": 3600.0,  # hourly; each reminder is sent once (CommitmentReminder)
    },
    # complaints: warn the handling institution before and after the 30-working-day due date.
    "complaint-deadlines": {
        "task": "willaq.complaints.tasks.check_complaint_deadlines",
        "schedule": 3600.0,  # hourly; each warning is sent once per complaint
    },
}
# complaints (issue 10 §5): where the public form sends a complaint by default (an institution's
# slug; the citizen may choose another), the clock and the public form's limits.
WILLAQ_COMPLAINTS_DEFAULT_INSTITUTION = env.str(
    "WILLAQ_COMPLAINTS_DEFAULT_INSTITUTION", default="oefa"
)
WILLAQ_COMPLAINTS_WORKING_DAYS = env.int("WILLAQ_COMPLAINTS_WORKING_DAYS", default=30)
WILLAQ_COMPLAINTS_WARN_WORKING_DAYS = env.int("WILLAQ_COMPLAINTS_WARN_WORKING_DAYS", default=5)
# Complaints per hour from one client address, and for one contact (phone or e-mail).
WILLAQ_COMPLAINTS_PER_HOUR_PER_ADDRESS = env.int(
    "WILLAQ_COMPLAINTS_PER_HOUR_PER_ADDRESS", default=10
)
WILLAQ_COMPLAINTS_PER_HOUR_PER_CONTACT = env.int(
    "WILLAQ_COMPLAINTS_PER_HOUR_PER_CONTACT", default=3
)
# Tracking-code look-ups per hour from one client address.
WILLAQ_COMPLAINTS_LOOKUPS_PER_HOUR = env.int("WILLAQ_COMPLAINTS_LOOKUPS_PER_HOUR", default=30)
# Days before a commitment's due date on which its responsible parties are reminded.
WILLAQ_COMMITMENT_REMINDER_DAYS = env.list(
    "WILLAQ_COMMITMENT_REMINDER_DAYS", cast=int, default=[30, 7, 1]
)

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# HTTPS: outside development cookies travel only over HTTPS and browsers are told (HSTS) to use
# nothing else. SECURE_PROXY_SSL_HEADER trusts the proxy's X-Forwarded-Proto only when a trusted
# proxy is configured (WILLAQ_TRUSTED_PROXY_COUNT), as for the client address.
SESSION_COOKIE_SECURE = (
    True if not DEVELOPMENT else env.bool("SESSION_COOKIE_SECURE", default=False)
)
CSRF_COOKIE_SECURE = True if not DEVELOPMENT else env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEVELOPMENT else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
# Subdomains and the browsers' preload list are the domain owner's decision (an institution's
# other sites may not all be on HTTPS), so `check --deploy` is not asked to insist on them.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEVELOPMENT)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer's plain-HTTP probe
if WILLAQ_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp), in every environment so the tests and the browser test
# prove the pages work under it: scripts, styles and everything else only from this site; no
# inline scripts, handlers or style attributes (see static/js/willaq.js for confirmations).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Requests announcing a body larger than this are refused with a 413 before it is read
# (willaq.core.middleware.RequestSizeLimitMiddleware); the largest legitimate one is an evidence
# upload of EVIDENCE_MAX_BYTES or a file to import of WILLAQ_IMPORT_MAX_BYTES, plus its form.
WILLAQ_MAX_REQUEST_BYTES = env.int(
    "WILLAQ_MAX_REQUEST_BYTES",
    default=max(EVIDENCE_MAX_BYTES, WILLAQ_IMPORT_MAX_BYTES) + 1024 * 1024,
)

# Marks demo data in the interface so nobody mistakes it for real cases.
WILLAQ_DEMO = env.bool("WILLAQ_DEMO", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# WeasyPrint (the monthly report's PDF) logs every layout step at INFO: keep its warnings only.
LOGGING["loggers"] = {"weasyprint": {"level": "WARNING"}}
SIMPLE_HISTORY_REVERT_DISABLED = (
    True  # the registry is corrected through its services, never reverted in the admin
)
