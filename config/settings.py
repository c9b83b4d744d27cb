"""Luoshi settings, read from the environment (django-environ).

Two modes, chosen by ``LUOSHI_MODE``:

* ``embedded`` (default): SQLite beside the code, Celery eager, console e-mail,
  DEBUG off unless ``DEBUG=1`` — one command runs the whole product on a laptop (or as a
  small office's server: static files are served by whitenoise, errors get Chinese pages).
* ``production``: every secret must come from the environment; HTTPS-only cookies,
  HSTS and the other ``check --deploy`` settings are switched on.
"""
import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

LUOSHI_MODE = env.str("LUOSHI_MODE", default="embedded")
PRODUCTION = LUOSHI_MODE == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = env.bool("DEBUG", default=False)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="embedded-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=False)

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
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_guid",
    "django_prometheus",
    "units",
    "tasks",
    "targets",
    "reports",
    "rollups",
    "demo",
    "security",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "security.middleware.SessionLimitsMiddleware",
    "security.middleware.TwoFactorMiddleware",
    "security.middleware.PasswordChangeRequiredMiddleware",
    "security.middleware.NoStoreMiddleware",
    "security.middleware.ApiDeniedAuditMiddleware",
    # django-axes after authentication: it answers a locked-out log-in attempt itself.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reports.context_processors.reporting_nav",
                "security.context_processors.security_nav",
                "demo.context_processors.demo",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# PostgreSQL through django-prometheus's wrapper of the same backend, so /metrics counts queries
# and errors. (SQLite, the embedded mode's, stays Django's own: test tooling recognises it by name.)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite waits for a writer instead of failing at once when the dev server and a
    # management command touch the database together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A persistent connection is checked before each request reuses it, so a restarted
    # PostgreSQL costs no failed request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password policy (等保 身份鉴别): long enough, three of four character classes, not like the
# user's name, not a common password, not all digits.
LUOSHI_PASSWORD_MIN_LENGTH = env.int("LUOSHI_PASSWORD_MIN_LENGTH", default=10)
# Argon2id first (core/passwords.py: ~60-90 ms a log-in); older hashes upgrade at next log-in.
PASSWORD_HASHERS = [
    "core.passwords.LuoshiArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": LUOSHI_PASSWORD_MIN_LENGTH}},
    {"NAME": "security.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Log-in protection (django-axes): after LUOSHI_LOGIN_FAILURE_LIMIT failed log-ins an account,
# and separately an address, is locked for LUOSHI_LOGIN_LOCKOUT_MINUTES (or until the security
# administrator unlocks it). Every attempt is recorded (who, when, address, browser).
AUTHENTICATION_BACKENDS = [
    "security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LUOSHI_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LUOSHI_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "security.ip.client_ip"
AXES_VERBOSE = False
# How many reverse proxies (nginx) stand in front and append to X-Forwarded-For: the client's
# address is taken that many hops from the end. 0: REMOTE_ADDR.
LUOSHI_PROXY_COUNT = env.int("LUOSHI_PROXY_COUNT", default=1 if PRODUCTION else 0)

# Sessions: logged out after LUOSHI_SESSION_IDLE_MINUTES without a request, and after
# LUOSHI_SESSION_MAX_HOURS in any case; the cookie ends with the browser.
LUOSHI_SESSION_IDLE_MINUTES = env.int("LUOSHI_SESSION_IDLE_MINUTES", default=30)
LUOSHI_SESSION_MAX_HOURS = env.int("LUOSHI_SESSION_MAX_HOURS", default=8)
SESSION_COOKIE_AGE = LUOSHI_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Second factor (django-otp, TOTP): optional for everyone; the security administrator may require it
# for the office, administrator and 三员 roles (security.models.TwoFactorPolicy). A wrong code waits
# 1, 2, 4 … seconds before the next try (django-otp's throttling, per device).
OTP_TOTP_ISSUER = env.str("LUOSHI_OTP_ISSUER", default="落实")
OTP_TOTP_THROTTLE_FACTOR = env.int("LUOSHI_OTP_THROTTLE_FACTOR", default=1)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Embedded mode serves static files straight from the app folders (no collectstatic), DEBUG or not.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploads: plans and evidence files are checked by content and size in the services;
# these limits stop an oversized request before it reaches them.
LUOSHI_MAX_UPLOAD_BYTES = env.int("LUOSHI_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = LUOSHI_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads larger than these are read by a Celery job (soft/hard time limits, a progress page),
# never inside a web worker: plan documents (tasks.reading) and units' Excel templates
# (reports.excel_jobs). Smaller ones are read at once. `manage.py import_plan` has --timeout.
LUOSHI_IMPORT_SYNC_MAX_BYTES = env.int("LUOSHI_IMPORT_SYNC_MAX_BYTES", default=200 * 1024)
LUOSHI_IMPORT_SOFT_SECONDS = env.int("LUOSHI_IMPORT_SOFT_SECONDS", default=120)
LUOSHI_EXCEL_SYNC_MAX_BYTES = env.int("LUOSHI_EXCEL_SYNC_MAX_BYTES", default=12 * 1024)
LUOSHI_EXCEL_SOFT_SECONDS = env.int("LUOSHI_EXCEL_SOFT_SECONDS", default=60)

# E-mail: console backend unless configured (reminders go through Django's mail API).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="luoshi@localhost")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No request reads a job's result: never touch the result backend on the request path.
CELERY_TASK_IGNORE_RESULT = env.bool("CELERY_TASK_IGNORE_RESULT", default=True)
# A broker that is down or hung must not hold a web request: fail fast, the outbox
# (reports.models.WorkflowEvent) keeps what is owed and the drain job sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2, "socket_connect_timeout": 2,
    # Redelivered after this long if a worker dies holding it (acks_late): longer than the
    # longest job (the year-end workbook, ~30 s), far shorter than Celery's default hour.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {}
# Reporting rounds and reminders (reports/jobs.py): every day, open the rounds whose period
# has begun, then remind units whose reports are missing (steps relative to the due date).
LUOSHI_ROUNDS_HOUR = env.int("LUOSHI_ROUNDS_HOUR", default=1)
LUOSHI_REMINDER_HOUR = env.int("LUOSHI_REMINDER_HOUR", default=9)
LUOSHI_REMINDER_OFFSETS = env.list("LUOSHI_REMINDER_OFFSETS", cast=int, default=[-3, 1, 7])
LUOSHI_SITE_URL = env.str("LUOSHI_SITE_URL", default="http://127.0.0.1:8000")  # links in reminder e-mails
CELERY_BEAT_SCHEDULE["reports-open-scheduled-rounds"] = {
    "task": "reports.jobs.open_scheduled_rounds", "schedule": crontab(hour=LUOSHI_ROUNDS_HOUR, minute=0),
}
CELERY_BEAT_SCHEDULE["reports-send-due-reminders"] = {
    "task": "reports.jobs.send_due_reminders", "schedule": crontab(hour=LUOSHI_REMINDER_HOUR, minute=0),
}
# Roll-ups: incremental after every accepted report, and a full run every night (rollups/engine.py).
LUOSHI_ROLLUP_HOUR = env.int("LUOSHI_ROLLUP_HOUR", default=2)
# Memory for the sorts of one full roll-up transaction (PostgreSQL work_mem, set for that transaction
# only); "" leaves the server's setting.
LUOSHI_ROLLUP_WORK_MEM = env.str("LUOSHI_ROLLUP_WORK_MEM", default="32MB")
# The year-end workbook's report rows are read by a forked child process while the worker writes the
# other sheets (another core; rollups/summary/sheets.py). Off where jobs run inside the threaded web
# process (Celery eager, the embedded run): a threaded process is not forked.
LUOSHI_WORKBOOK_CHILD_READER = env.bool("LUOSHI_WORKBOOK_CHILD_READER", default=not CELERY_TASK_ALWAYS_EAGER)
# The outbox drain: workflow events whose sending failed (broker away) go out within a minute.
CELERY_BEAT_SCHEDULE["reports-dispatch-workflow-events"] = {
    "task": "reports.jobs.dispatch_workflow_events", "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["reports-rollup-nightly"] = {
    "task": "reports.jobs.rollup_nightly", "schedule": crontab(hour=LUOSHI_ROLLUP_HOUR, minute=30),
}
# 督办 (rollups/supervision): every morning after the nightly roll-up, escalate overdue and lagging items
# along each committee's steps (each step once, never after 办结) and draft the 通报 of closed rounds.
LUOSHI_SUPERVISION_HOUR = env.int("LUOSHI_SUPERVISION_HOUR", default=8)
CELERY_BEAT_SCHEDULE["rollups-escalate-supervision"] = {
    "task": "rollups.jobs.escalate_supervision", "schedule": crontab(hour=LUOSHI_SUPERVISION_HOUR, minute=0),
}

# Refused (conflicting) edits kept per person and report and hour; beyond, they are refused unkept.
LUOSHI_REFUSED_EDITS_PER_HOUR = env.int("LUOSHI_REFUSED_EDITS_PER_HOUR", default=20)

# Audit trail, log-in records and API write logs are kept this many days (at least 183: 等保
# asks for six months), then removed by the daily rotation job (security/jobs.py).
LUOSHI_AUDIT_RETENTION_DAYS = env.int("LUOSHI_AUDIT_RETENTION_DAYS", default=365)
LUOSHI_AUDIT_ROTATION_HOUR = env.int("LUOSHI_AUDIT_ROTATION_HOUR", default=3)
CELERY_BEAT_SCHEDULE["security-rotate-logs"] = {
    "task": "security.jobs.rotate_security_logs", "schedule": crontab(hour=LUOSHI_AUDIT_ROTATION_HOUR, minute=15),
}

# Demo mode (the default outside production; `make run`): the header links the 演示说明 page, which says
# which day the demo data simulates and lists the demo log-ins. Off in production.
LUOSHI_DEMO = env.bool("LUOSHI_DEMO", default=not PRODUCTION)
# Embedded mode's scheduler: the beat jobs run inside the dev server's serving process (no Celery beat).
LUOSHI_EMBEDDED_SCHEDULER = env.bool("LUOSHI_EMBEDDED_SCHEDULER", default=CELERY_TASK_ALWAYS_EAGER)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # Redis away (down or hung) must not fail requests: token look-ups fall back to the
    # database and throttling fails open, after at most a short socket timeout.
    # After a failure the client answers misses at once for LUOSHI_CACHE_BREAKER_SECONDS (core/cache.py),
    # so that a hung Redis costs a process one timeout per interval, not one per cache operation.
    CACHES["default"].setdefault("OPTIONS", {}).update({
        "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True,
        "CLIENT_CLASS": "core.cache.FailFastClient",
    })
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
LUOSHI_CACHE_BREAKER_SECONDS = env.int("LUOSHI_CACHE_BREAKER_SECONDS", default=15)

REST_FRAMEWORK = {
    # API clients (other systems) send "Authorization: Token <key>"; the browser uses its session.
    # The token class comes first so that a missing or bad credential answers 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "units.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.ApiClientThrottle",
        "core.api.throttling.ApiUserThrottle",
    ],
    # Per API client (ApiClient.throttle_rate overrides it for one client) and per browser user.
    "DEFAULT_THROTTLE_RATES": {
        "api_client": env.str("LUOSHI_API_CLIENT_RATE", default="1200/min"),
        "api_user": env.str("LUOSHI_API_USER_RATE", default="600/min"),
    },
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.filters.StrictOrderingFilter",
    ],
    # JSON only in production; the browsable API (HTML forms) only in embedded mode, for development.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.LuoshiPagination",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.LuoshiAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "落实 Luoshi API",
    "DESCRIPTION": (
        "残工委年度重点工作任务、目标、进展填报与汇总的接口。"
        "其他系统使用系统管理员签发的令牌认证：请求头写“Authorization: Token <令牌>”（也接受 Bearer）；"
        "只读令牌可读取所属残工委及其下级的数据，读写令牌还可代办公室和成员单位写入。"
        "浏览器使用登录会话。错误统一返回 {\"code\", \"detail\"（中文说明）, \"errors\"（字段错误）}。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs only for logged-in users and API clients (token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No online validator badge: the docs must not reach out to the internet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "tasks.models.WorkPlan.Status",
        "PlanKindEnum": "tasks.models.WorkPlan.Kind",
        "ReportStatusEnum": "reports.models.ProgressReport.Status",
        "UnitKindEnum": "units.models.Unit.Kind",
        "IndicatorKindEnum": "targets.models.PlanIndicator.Kind",
        "PlanRollupKindEnum": "rollups.models.RollupRun.Kind",
        "SummaryFileKindEnum": "rollups.models.SummaryFile.Kind",
        "ScoringItemKindEnum": "rollups.models_scoring.ScoringItem.Kind",
        "SupervisionStatusEnum": "rollups.models_supervision.SupervisionItem.Status",
        "SupervisionLevelEnum": "rollups.models_supervision.Level",
        "BulletinStatusEnum": "rollups.models_bulletin.Bulletin.Status",
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Logs: one line per record; JSON in production (LOG_FORMAT=json) so a log shipper reads them.
# Every record carries the request id (django-guid: taken from the X-Request-ID header or
# made up, returned on the response) and a job queued by that request logs the same id.
# Prometheus scrapes /metrics from these addresses only (the monitoring host, not the public).
LUOSHI_METRICS_ALLOWED_IPS = env.list("LUOSHI_METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

LOG_FORMAT = env.str("LOG_FORMAT", default="json" if LUOSHI_MODE == "production" else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "job": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(celery_parent_id)s %(celery_current_id)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                 "json_ensure_ascii": False},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id", "job"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-guid says at INFO, on every request, that it made a request id: one log line per request
    # for nothing (a formatted JSON record each time); its warnings still show.
    "loggers": {"django_guid": {"level": "WARNING"}},
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": False,  # a proxy's own request ids (not UUIDs) are kept as they are
    "IGNORE_URLS": ["healthz", "healthz/live", "healthz/ready", "metrics"],
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}

# Content-Security-Policy (django-csp) on every response: scripts only from this site (no inline
# script anywhere: the API docs start from static files), nothing from any other host, no framing.
# Inline styles stay allowed: Redoc, Swagger UI and ECharts set them at run time.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_REFERRER_POLICY = "same-origin"

ADMIN_SITE_HEADER = _("落实 · 残工委工作任务管理")
