"""Settings for Allô Mairie, read from the environment (see README, "Configuration")."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

from allo_mairie.production import DEVELOPMENT_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, True),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE=(bool, False),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# The development key is used only with DEBUG on; a production start without a key of its own
# stops (allo_mairie/production.py).
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "core",
    "organisations",
    "agreements",
    "catalogue",
    "places",
    "fiches",
    "followup",
    "correspondence",
    "callbacks",
    "knowledge",
    "portal",
    "telephony",
    "finance",
    "reporting",
    "committee",
    "cti",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partners",
    "audit",
    "accounts",
    "open311",
    "privacy",
]

MIDDLEWARE = [
    "core.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SlidingSessionMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "allo_mairie.urls"
WSGI_APPLICATION = "allo_mairie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.ui",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Argon2id at OWASP's minimum for interactive logins (core/hashers.py, docs/operations.md).
PASSWORD_HASHERS = [
    "core.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
ARGON2_TIME_COST = env.int("ARGON2_TIME_COST", default=2)
ARGON2_MEMORY_KIB = env.int("ARGON2_MEMORY_KIB", default=19 * 1024)
ARGON2_PARALLELISM = env.int("ARGON2_PARALLELISM", default=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes, core/lockout.py): per account whatever
# the address, and per address on the failures not followed by their account's login.
# Retention (docs/privacy.md): months each kind of data is kept; a RetentionRule row in the
# admin overrides these defaults. The fiche's personal data goes only after the archives
# service's visa on the elimination list (manage.py retention_sweep).
PRIVACY_RETENTION = {
    "fiche": env.int("RETENTION_FICHE_MONTHS", default=12),
    "letter_batches": env.int("RETENTION_LETTER_BATCH_MONTHS", default=3),
    "login_logs": env.int("RETENTION_LOGIN_LOG_MONTHS", default=6),
    "rights_requests": env.int("RETENTION_RIGHTS_REQUEST_MONTHS", default=36),
    # logs of the open channels: Open311 requests, partner webhooks; the live telephony state
    "api_logs": env.int("RETENTION_API_LOG_MONTHS", default=6),
    "live_calls": env.int("RETENTION_LIVE_CALL_MONTHS", default=1),
}
PRIVACY_SWEEP_BATCH = env.int("PRIVACY_SWEEP_BATCH", default=2000)
# The data-protection officer's contact, on the public notice and every letter (replace it).
PRIVACY_CONTACT = env("PRIVACY_CONTACT", default="dpo@marseille.fr (délégué à la protection des données)")

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=15)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "core.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files and letter copies: MEDIA_ROOT on one server; with several application servers,
# an S3-compatible object store they all share (`pip install '.[s3]'`, docs/operations.md).
# Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the host's
# role; objects stay private and are served only through the permission-checked views.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": env("AWS_LOCATION", default=""),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest form body without its files (bytes): a larger one is refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Allô Mairie <allo-mairie@example.org>")

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# Content Security Policy: everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SECURE = env("SECURE")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE or not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# A working day after the last activity, renewed while active (core.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_RENEW_AFTER = env.int("SESSION_RENEW_AFTER", default=15 * 60)
# A session left idle this long (seconds) ends: the next request logs out (core.middleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=2 * 3600)
X_FRAME_OPTIONS = "DENY"

# Personal data never reaches the logs: requests are logged without bodies or query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Business settings.
MAX_ATTACHMENT_SIZE = env.int("MAX_ATTACHMENT_SIZE", default=5 * 1024 * 1024)
FICHE_REFERENCE_PREFIX = env("FICHE_REFERENCE_PREFIX", default="AM")
# --- places --- the national address API (e.g. https://api-adresse.data.gouv.fr/search/), off
# when empty: the local reference (manage.py import_addresses) answers; a failure falls back to it.
PLACES_API_URL = env("PLACES_API_URL", default="")
PLACES_API_TIMEOUT = env.float("PLACES_API_TIMEOUT", default=1.5)
# Map tiles ({z}/{x}/{y}); empty: no tiles (the map still shows points, the text list stays).
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="© les contributeurs d’OpenStreetMap")
_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
if _tiles.netloc:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
# Uploaded zip archives (XLSX) are refused before parsing beyond these (core/uploads.py):
# number of members, total size once uncompressed (bytes), compression ratio of a member.
UPLOAD_ARCHIVE_MAX_MEMBERS = env.int("UPLOAD_ARCHIVE_MAX_MEMBERS", default=200)
UPLOAD_ARCHIVE_MAX_SIZE = env.int("UPLOAD_ARCHIVE_MAX_SIZE", default=50 * 1024 * 1024)
UPLOAD_ARCHIVE_MAX_RATIO = env.int("UPLOAD_ARCHIVE_MAX_RATIO", default=100)
# --- committee --- once on, only the monitoring committee's decisions (or an administrator's
# logged emergency publication) publish nomenclature versions (docs/committee.md).
NOMENCLATURE_COMMITTEE_APPROVAL = env.bool("NOMENCLATURE_COMMITTEE_APPROVAL", default=False)

# --- telephony ---
# Service-level formula used on every page, export and report (F1, F2, F3, F3b, F4, F5, F6;
# see docs/telephony.md), its threshold in seconds, and the short-abandon threshold.
TELEPHONY_SL_FORMULA = env("TELEPHONY_SL_FORMULA", default="F6")
TELEPHONY_SL_THRESHOLD = env.int("TELEPHONY_SL_THRESHOLD", default=20)
TELEPHONY_SHORT_ABANDON = env.int("TELEPHONY_SHORT_ABANDON", default=5)
TELEPHONY_SL_TARGET = env.float("TELEPHONY_SL_TARGET", default=0.8)
# After-call work added to talk time to get the handling time used for staffing (seconds).
TELEPHONY_AFTER_CALL_WORK = env.int("TELEPHONY_AFTER_CALL_WORK", default=0)
TELEPHONY_SHRINKAGE = env.float("TELEPHONY_SHRINKAGE", default=0.3)
# Largest call log read by an import, in bytes once decompressed (a year is about 100 MB);
# a .gz expanding more than UPLOAD_ARCHIVE_MAX_RATIO times is refused as well.
TELEPHONY_IMPORT_MAX_SIZE = env.int("TELEPHONY_IMPORT_MAX_SIZE", default=1024 * 1024 * 1024)
# Default opening hours when none are set in the admin: weekday -> ((open, close) minutes).
TELEPHONY_OPENING_HOURS = {
    **dict.fromkeys(range(5), ((8 * 60, 18 * 60 + 30),)),
    5: ((7 * 60 + 30, 17 * 60 + 30),),
    6: (),
}
# --- end telephony ---

# --- live telephony (cti): the AMI listener and the generic signed HTTP entry (docs/telephony.md) ---
CTI_AMI_HOST = env("CTI_AMI_HOST", default="")
CTI_AMI_PORT = env.int("CTI_AMI_PORT", default=5038)
CTI_AMI_USERNAME = env("CTI_AMI_USERNAME", default="")
CTI_AMI_SECRET = env("CTI_AMI_SECRET", default="")
# Shared secret of the generic entry (HMAC-SHA256); empty: the entry refuses every notice.
CTI_HTTP_SECRET = env("CTI_HTTP_SECRET", default="")
CTI_REPLAY_WINDOW = env.int("CTI_REPLAY_WINDOW", default=300)
# The wallboard turns a queue to "alert" when its longest wait passes this many seconds.
CTI_WAIT_ALERT = env.int("CTI_WAIT_ALERT", default=60)

# --- correspondence ---
# Letters (see docs/correspondence.md). PDF/A-3b for the archived copy kept with the fiche.
LETTER_PDF_VARIANT = env("LETTER_PDF_VARIANT", default="pdf/a-3b")
LETTER_CITY = env("LETTER_CITY", default="Marseille")
LETTER_PHONE = env("LETTER_PHONE", default="3013 (appel gratuit)")
# Where citizens exercise their data-protection rights (RGPD art. 13), printed on letters.
# Revenue orders (titres de recettes) of the cost sharing: see docs/finance.md.
REVENUE_ORDER_ISSUER_CAPACITY = env(
    "REVENUE_ORDER_ISSUER_CAPACITY", default="ordonnateur, par délégation du Maire de Marseille"
)
REVENUE_ORDER_ACCOUNTANT = env(
    "REVENUE_ORDER_ACCOUNTANT", default="Service de gestion comptable de Marseille"
)
REVENUE_ORDER_PAYMENT = env(
    "REVENUE_ORDER_PAYMENT",
    default="Par virement au compte du Trésor public du comptable assignataire (mandat administratif).",
)
RENEWAL_WARNING_DAYS = [int(d) for d in env.list("RENEWAL_WARNING_DAYS", default=["60", "30", "15", "7"])]
# SMS gateway: correspondence.sms.ConsoleBackend | FileBackend | LocmemBackend | HttpJsonBackend
SMS_BACKEND = env("SMS_BACKEND", default="correspondence.sms.ConsoleBackend")
SMS_OPTIONS = {
    "url": env("SMS_HTTP_URL", default=""),
    "token": env("SMS_HTTP_TOKEN", default=""),
    "timeout": env.float("SMS_HTTP_TIMEOUT", default=10.0),
}
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms.jsonl"))
SMS_SENDER = env("SMS_SENDER", default="AlloMairie")
SMS_MAX_SEGMENTS = env.int("SMS_MAX_SEGMENTS", default=2)
# Callbacks (citizens who want their answers by phone): due after the notice, retried, given up.
CALLBACK_DUE_HOURS = env.int("CALLBACK_DUE_HOURS", default=4)
CALLBACK_RETRY_HOURS = env.int("CALLBACK_RETRY_HOURS", default=2)
CALLBACK_MAX_ATTEMPTS = env.int("CALLBACK_MAX_ATTEMPTS", default=3)
# Public tracking page: FAILED look-ups allowed per window, per address and per reference +
# contact pair (Django cache; production needs a shared cache such as Redis through
# CACHE_URL, or each worker counts on its own). Successful look-ups are never counted.
PORTAL_RATE_WINDOW = env.int("PORTAL_RATE_WINDOW", default=15 * 60)
PORTAL_RATE_FAILURES_PER_IP = env.int("PORTAL_RATE_FAILURES_PER_IP", default=50)
PORTAL_RATE_FAILURES_PER_PAIR = env.int("PORTAL_RATE_FAILURES_PER_PAIR", default=5)
# The online form (docs/correspondence.md, "Online form"): requests per hour per address and
# per contact, and the words that hold a request for the call centre's moderation.
PORTAL_SUBMISSION_WINDOW = env.int("PORTAL_SUBMISSION_WINDOW", default=3600)
PORTAL_SUBMISSIONS_PER_IP = env.int("PORTAL_SUBMISSIONS_PER_IP", default=10)
PORTAL_SUBMISSIONS_PER_CONTACT = env.int("PORTAL_SUBMISSIONS_PER_CONTACT", default=5)
# The online form's public address type-ahead: searches per address per window.
PORTAL_ADDRESS_SEARCHES_PER_IP = env.int("PORTAL_ADDRESS_SEARCHES_PER_IP", default=300)
PORTAL_ADDRESS_SEARCH_WINDOW = env.int("PORTAL_ADDRESS_SEARCH_WINDOW", default=15 * 60)
PORTAL_MODERATION_WORDS = env.list(
    "PORTAL_MODERATION_WORDS",
    default=["connard", "connards", "salope", "salopes", "encule", "encules", "batard", "batards", "pute",
             "putes", "nique", "enfoire", "enfoires", "casino", "viagra", "bitcoin", "crypto"],
)  # fmt: skip
# --- end correspondence ---

# --- followup ---
# Follow-up menu items (work queue, board, re-routing queue) in every page.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("followup.context_processors.nav")

# --- security: audit trail, access log, second factor (docs/security.md) ---
# Field-level history (django-auditlog): personal values are replaced by a constant mask.
AUDITLOG_MASK_CALLABLE = "audit.trail.mask"
AUDITLOG_DISABLE_REMOTE_ADDR = True
# Who opened a caller's record, a fiche's personal data, a letter or an attachment: kept this
# many days, then removed by `manage.py purge_access_log`.
AUDIT_ACCESS_RETENTION_DAYS = env.int("AUDIT_ACCESS_RETENTION_DAYS", default=365)
# Administrators, supervisors, finance officers, committee members and Django staff always need
# a second factor (TOTP or a recovery code); true extends it to agents, cells and managers.
TWO_FACTOR_FOR_ALL = env.bool("TWO_FACTOR_FOR_ALL", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Allô Mairie")
# --- end security ---

# --- production guard ---
# With DEBUG off, a missing or development SECRET_KEY, or an e-mail/SMS backend that only prints
# or drops messages, stops gunicorn (allo_mairie/wsgi.py) and every command that runs the system
# checks (allo_mairie/production.py); collectstatic and compilemessages need no secret.
ALLOW_TEST_BACKENDS = env.bool("ALLOW_TEST_BACKENDS", default=False)

# --- partners --- the partner REST API and its webhooks (docs/api.md). Views set their own
# authentication, throttling and error format (partners.views.ApiView); only the schema is global.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Allô Mairie partner API",
    "DESCRIPTION": "A partner body's software works its fiches: read, act, note, attach. "
    "Errors are application/problem+json (RFC 7807). See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Requests per token (or per staff user) and period: "600/min", "20000/day"…
PARTNER_API_RATE = env("PARTNER_API_RATE", default="600/min")
# An Idempotency-Key is remembered this many days (manage.py webhooks_sweep forgets older ones).
PARTNER_IDEMPOTENCY_DAYS = env.int("PARTNER_IDEMPOTENCY_DAYS", default=7)
# Webhooks: http:// endpoints only where allowed (tests, a local receiver); timeouts and
# retries in seconds: the n-th retry waits BASE × 2^(n-1), at most CAP; a delivery still
# failing GIVE_UP_AFTER seconds after it was queued is given up (the admin can redeliver it).
PARTNER_WEBHOOK_ALLOW_HTTP = env.bool("PARTNER_WEBHOOK_ALLOW_HTTP", default=False)
PARTNER_WEBHOOK_TIMEOUT = env.float("PARTNER_WEBHOOK_TIMEOUT", default=10.0)
PARTNER_WEBHOOK_BACKOFF_BASE = env.int("PARTNER_WEBHOOK_BACKOFF_BASE", default=30)
PARTNER_WEBHOOK_BACKOFF_CAP = env.int("PARTNER_WEBHOOK_BACKOFF_CAP", default=3600)
PARTNER_WEBHOOK_GIVE_UP_AFTER = env.int("PARTNER_WEBHOOK_GIVE_UP_AFTER", default=3 * 24 * 3600)
PARTNER_WEBHOOK_LEASE = env.int("PARTNER_WEBHOOK_LEASE", default=60)
# --- end partners ---
