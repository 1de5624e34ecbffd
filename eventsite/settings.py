"""Settings for the event microsite, read from the environment with django-environ.

Fails closed: DEBUG is off unless set, and with DEBUG off SECRET_KEY and
ALLOWED_HOSTS must be given. Every variable is listed in `.env.example`.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
import xstatic.pkg.bootstrap as xstatic_bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from eventsite.media_storage import media_origin, media_storage

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "data"

env = environ.Env()
# A local `.env` (git-ignored, written by `make run`) fills in what the process
# environment does not set; real environment variables always win.
# DJANGO_READ_DOT_ENV=0 skips it (the tests use this to check that settings fail closed).
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    # No defaults: a production process without these must not start.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Used for absolute links where there is no request (sitemaps, calendar files).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Who publishes the site: the organiser in schema.org data and the author of the
# Atom feed for an event that names no organiser of its own.
SITE_NAME = env.str("SITE_NAME", default="Events")
# The site's name inside calendar UIDs and schedule guids ("session-12@events.example.org").
# Set it once and keep it: a new value makes every calendar see new entries.
CALENDAR_UID_DOMAIN = env.str("CALENDAR_UID_DOMAIN", default=urlsplit(SITE_URL).hostname)

INSTALLED_APPS = [
    # Must come before staticfiles so that runserver leaves static files to whitenoise.
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    # Resized variants of uploaded images, made at upload (common/images.py).
    "sorl.thumbnail",
    # The task queue's table (django.tasks' DatabaseBackend): the email outbox's worker.
    "django_tasks_db",
    # Our apps, lowest layer first (docs/architecture.md): each may import those above it.
    "common",
    "speakers",
    # App label "agenda": "sessions" belongs to django.contrib.sessions.
    "sessions.apps.AgendaConfig",
    # After the agenda: participants depend on sessions, never the other way round.
    "participants",
]

MIDDLEWARE = [
    # First: /healthz answers a load balancer that asks by IP address over plain
    # http, before the host check, the https redirect and the page cache.
    "common.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware so static files get the security headers
    # but skip the session, CSRF and auth work below.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page and 304 for a repeat request. Near the top, so it sees the
    # response as the other middleware left it.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before sessions, CSRF and auth: a cached public page skips all of them.
    "common.caching.PublicPageCacheMiddleware",
    # Below the page cache, so cached pages are served while the database is down;
    # turns a database (or needed cache) outage raised in a view into a 503 page.
    "common.unavailable.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: change history records which organiser made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # The changes to the agenda that one request makes are told as one change.
    "sessions.middleware.ChangeBatchMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

# Only the benchmark changes this (to eventsite.bench_urls, which adds a baseline page).
ROOT_URLCONF = env.str("ROOT_URLCONF", default="eventsite.urls")
WSGI_APPLICATION = "eventsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an organiser saves; the timeout makes a
    # second writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer costs a worker this many seconds, then a 503
    # (common/unavailable.py), rather than gunicorn's 30 s timeout and a killed worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
# Each worker keeps its connection between requests instead of opening one each time.
# A connection that failed is checked and closed at the end of the request
# (CONN_HEALTH_CHECKS, also before reuse), so the site recovers when the database returns.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache that every process of the machine shares: a folder of files by
# default, Redis (redis://...) when several app servers run.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}"),
}
# The request form's rate-limit counters (participants/ratelimit.py) keep out of the
# page cache, which made-up URLs can fill until it culls a counter, and must count
# atomically across processes, which a file cache cannot. With Redis (RATELIMIT_CACHE_URL,
# or a Redis CACHE_URL) they are the alias "ratelimit" there; without Redis there is no
# such alias and they are rows in the database, counted under a row lock.
if _ratelimit_url := env.str("RATELIMIT_CACHE_URL", default=""):
    CACHES["ratelimit"] = env.cache_url_config(_ratelimit_url)
elif CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["ratelimit"] = {**CACHES["default"], "KEY_PREFIX": "ratelimit"}
if "ratelimit" in CACHES and not CACHES["ratelimit"]["BACKEND"].endswith("RedisCache"):
    raise ImproperlyConfigured(
        "RATELIMIT_CACHE_URL must be a Redis URL (redis://...): other caches cannot count "
        "atomically across processes. Leave it unset to count in the database."
    )

# A stopped Redis must not take the site down: every Redis cache (any alias defined
# above) becomes a ResilientRedisCache, which reads an unreachable Redis as an empty
# cache (reads miss, writes are skipped; counters raise CacheUnavailable) and logs
# the outage once a minute. Short timeouts, so a Redis that hangs cannot hold a
# worker for long.
for _cache in CACHES.values():
    if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        _cache["BACKEND"] = "common.cache_backends.ResilientRedisCache"
        _redis_options = _cache.setdefault("OPTIONS", {})
        _redis_options.setdefault("socket_connect_timeout", env.float("CACHE_TIMEOUT", default=0.5))
        _redis_options.setdefault("socket_timeout", env.float("CACHE_TIMEOUT", default=0.5))
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    # Django culls a third of a file cache at 300 entries; the pages of every event
    # need more room than that.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)

# The query parameters a cached public page reads, by path: only the sitemap's page
# number. Any other, such as the utm_* tags of an invitation email, does not change a
# page, so it shares the page's cached copy instead of filling the cache with one per link.
# The cache reads each as a page number (p=01 is p=1) and keeps no copy for any other value.
PUBLIC_PAGE_QUERY_PARAMETERS = {"/sitemap.xml": {"p"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's own login: event staff without staff status cannot use the admin's.
LOGIN_URL = "login"
# Without ?next= a login lands on the home page (Django's default /accounts/profile/
# is no page here).
LOGIN_REDIRECT_URL = "agenda:home"
LOGOUT_REDIRECT_URL = "agenda:home"

AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt while the user name or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one user name from one address lock that user name from
# that address; twenty from one address, for any user names, lock the address. Each
# for an hour after the last failure; an organiser can lift a lock-out in the admin.
# Axes has one limit for every group of AXES_LOCKOUT_PARAMETERS; our handler gives
# the address its own (common/login_limits.py).
AXES_HANDLER = "common.login_limits.PairAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)  # ours, not axes's
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "common.login_limits.lockout_response"
# Behind a proxy, the client's address is the one the proxy adds to X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None

LANGUAGE_CODE = "en-gb"
# The server's zone, used only where no session zone applies (admin lists, logs).
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap's CSS from the xstatic-bootstrap package, not copied into the repo.
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
STATIC_ROOT = env.path("STATIC_ROOT", default=DATA_DIR / "static")
# Uploaded logos, header images and photos (eventsite/media_storage.py): a local
# folder by default, S3-compatible object storage when MEDIA_STORAGE_URL is set
# (several app servers share it). The site serves a local folder itself
# (SERVE_MEDIA, on by default); in production a proxy serves MEDIA_ROOT at /media/
# (README: Uploaded images) and SERVE_MEDIA=0.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=DATA_DIR / "media")
_media_storage, MEDIA_URL = media_storage(env.str("MEDIA_STORAGE_URL", default=""))
_local_media = "OPTIONS" not in _media_storage
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=_local_media)
# sorl-thumbnail makes an image's sizes at upload (common/images.py), into the same
# storage, under variants/; which sizes exist it records in the database.
THUMBNAIL_PREFIX = "variants/"
STORAGES = {
    "default": _media_storage,
    # Hashed, compressed (gzip and brotli) names, cached for a year by browsers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A session's change form posts every agenda slot as one formset: about 14 fields a
# row (id, session, start, end, title, kind, description, cue, technical notes,
# responsible, delete, and one value per person leading or on stage). Django's
# default of 1,000 stops a 100-slot agenda with a 400; 20,000 keeps a 600-slot
# agenda with four people a row (600 x ~20 + the session's own fields and roles)
# editable, and still bounds the work a hostile POST can make the parser do.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers. Everything the pages need is served from this origin.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *filter(None, [media_origin(MEDIA_URL)])],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER_NAME so Django
# knows a request was https (for example X-Forwarded-Proto).
if proxy_header := env.str("SECURE_PROXY_SSL_HEADER_NAME", default=""):
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{proxy_header.upper().replace('-', '_')}", "https")
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "without_traceback": {"()": "common.logging.WithoutTraceback"},
        "without_503": {"()": "common.logging.WithoutServiceUnavailable"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-axes announces itself at every start; lockouts are still logged (WARNING).
        "axes.apps": {"level": "WARNING"},
        # One line per request for a host that is not ours, not a traceback each.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
        # A database outage: one line a minute (common/unavailable.py), not one per request.
        "django.request": {"filters": ["without_503"]},
    },
}

# Email. EMAIL_URL as django-environ reads it: consolemail:// (the default, prints
# messages in development), smtp+tls://user:password@host:587 in production.
# Django 6.1 replaces the EMAIL_BACKEND / EMAIL_HOST / ... settings with MAILERS
# (the old ones raise deprecation warnings), so the URL's parts become the options
# of the default mailer. Tests swap every mailer for the locmem backend.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_MAILER_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
    "EMAIL_FILE_PATH": "file_path",
}
_mailer_options = {
    option: _email[key]
    for key, option in _MAILER_OPTIONS.items()
    if _email.get(key) not in (None, "")
}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    # Without a timeout a mail server that stops answering holds the worker for
    # ever; EMAIL_TIMEOUT (seconds) overrides it. Only SMTP takes the option.
    _mailer_options.setdefault("timeout", env.float("EMAIL_TIMEOUT", default=10))
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Event microsite <events@localhost>")

# Background tasks (django.tasks): a queue in the site's own database
# (django-tasks-db), so one machine needs nothing else. `manage.py db_worker` runs
# them; scripts/run starts it beside the web server. The participants' emails go
# through it (participants/outbox.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
