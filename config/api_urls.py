"""The REST API under /api/v1/: each app contributes its routes from ``<app>/api/urls.py``."""
urlpatterns = []
