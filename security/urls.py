from django.urls import path

from . import views

urlpatterns = [
    path("logins/", views.logins, name="security-logins"),
    path("logins/reset/", views.reset_password, name="security-reset-password"),
    path("logins/unlock/", views.unlock, name="security-unlock"),
    path("two-factor/", views.two_factor_admin, name="security-two-factor"),
    path("audit/", views.audit_log, name="security-audit"),
]
