from django.urls import path

from . import chain_views as views

app_name = "chains"

urlpatterns = [
    path("chains/", views.chain_list, name="chain_list"),
    path("chains/<slug:slug>/", views.chain_detail, name="chain_detail"),
]
