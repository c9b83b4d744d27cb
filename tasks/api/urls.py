from rest_framework.routers import SimpleRouter

from . import imports, views

router = SimpleRouter()
router.register("plans", views.WorkPlanViewSet, basename="api-plan")
router.register("sections", views.SectionViewSet, basename="api-section")
router.register("tasks", views.TaskViewSet, basename="api-task")
router.register("plan-imports", imports.PlanImportViewSet, basename="api-plan-import")

urlpatterns = router.urls
