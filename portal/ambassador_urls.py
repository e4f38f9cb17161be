from django.urls import path

from . import ambassador_views as views

app_name = "ambassadors"

urlpatterns = [
    path("ambassadors/", views.ambassador_list, name="ambassador_list"),
    path("ambassadors/<slug:slug>/", views.ambassador_detail, name="ambassador_detail"),
]
