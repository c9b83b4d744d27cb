from rest_framework.routers import SimpleRouter

from . import evaluation, scoring, supervision, views

router = SimpleRouter()
router.register("plan-rollups", views.PlanRollupViewSet, basename="api-plan-rollup")
router.register("committee-rollups", views.CommitteeRollupViewSet, basename="api-committee-rollup")
router.register("summaries", views.SummaryFileViewSet, basename="api-summary")
router.register("scoring-schemes", scoring.ScoringSchemeViewSet, basename="api-scoring-scheme")
router.register("scoring-results", scoring.ScoringResultViewSet, basename="api-scoring-result")
router.register("fyp-evaluations", evaluation.EvaluationViewSet, basename="api-fyp-evaluation")
router.register("supervision-items", supervision.SupervisionItemViewSet, basename="api-supervision-item")
router.register("instructions", supervision.InstructionViewSet, basename="api-instruction")
router.register("bulletins", supervision.BulletinViewSet, basename="api-bulletin")
urlpatterns = router.urls
