from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("plan-rollups", views.PlanRollupViewSet, basename="api-plan-rollup")
router.register("committee-rollups", views.CommitteeRollupViewSet, basename="api-committee-rollup")
router.register("summaries", views.SummaryFileViewSet, basename="api-summary")
urlpatterns = router.urls
