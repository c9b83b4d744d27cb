"""督办 pages, mounted under /reports/supervision/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.item_list, name="supervision-items"),
    path("items/<int:pk>/", views.item_detail, name="supervision-item"),
    path("committees/<int:pk>/steps/", views.steps_page, name="supervision-steps"),
    path("instructions/", views.instructions_page, name="supervision-instructions"),
    path("instructions/<int:pk>/answer/", views.instruction_answer, name="supervision-answer"),
    path("plans/<int:pk>/pace/", views.pace_page, name="supervision-pace"),
]
