"""Web pages of member units (and, below, people) managed by the committee's office."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("<int:pk>/", views.unit_edit, name="unit-edit"),
    path("<int:pk>/reform/", views.unit_reform, name="unit-reform"),
    path("people/", views.people_list, name="people-list"),
]
