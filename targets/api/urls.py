from rest_framework.routers import SimpleRouter

from . import indicators, views

router = SimpleRouter()
router.register("targets", views.TargetViewSet, basename="api-target")
router.register("plan-indicators", indicators.PlanIndicatorViewSet, basename="api-plan-indicator")
router.register("indicator-values", indicators.IndicatorValueViewSet, basename="api-indicator-value")

urlpatterns = router.urls
