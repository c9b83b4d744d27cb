from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("rounds", views.RoundViewSet, basename="api-round")
router.register("reports", views.ReportViewSet, basename="api-report")

urlpatterns = router.urls
