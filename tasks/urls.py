from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
]
