from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("committees", views.CommitteeViewSet, basename="api-committee")
router.register("units", views.UnitViewSet, basename="api-unit")

urlpatterns = router.urls
