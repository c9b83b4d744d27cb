"""Root URLs: the web UI of each app, the API under /api/v1/, admin, i18n."""
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from reports import urls as reports_urls
from security import views as security_views

from . import metrics
from . import views as health

metrics.register()

handler500 = "config.views.server_error"

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", include(reports_urls.home_pages)),
    path("", include("tasks.urls")),
    path("", include(reports_urls.task_pages)),
    path("reports/", include("reports.urls")),
    path("units/", include("units.urls")),
    path("reports/", include("rollups.urls")),  # dashboards and the year-end summary
    path("api/v1/", include("config.api_urls")),
    # The schema answers logged-in users and API clients (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]);
    # the documentation pages send anonymous visitors to the log-in page.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="api/swagger_ui.html")), name="api-docs"),
    path("api/redoc/", login_required(SpectacularRedocView.as_view(
        url_name="api-schema", template_name="api/redoc.html")), name="api-redoc"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", security_views.password_change, name="password-change"),
    path("accounts/two-factor/", security_views.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", security_views.two_factor_verify, name="two-factor-verify"),
    path("security/", include("security.urls")),
    path("demo/", include("demo.urls")),  # 演示说明 (demo mode only)
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("healthz/ready", health.ready, name="healthz-ready"),
    path("metrics", health.metrics, name="prometheus-metrics"),
]
