from django.urls import path

from . import map_views, views
from .feeds import LatestProjectsFeed

app_name = "projects"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/feed/", LatestProjectsFeed(), name="project_feed"),
    path("projects/<slug:slug>/", views.project_detail, name="project_detail"),
    path("events/", views.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("institutes/", views.institute_list, name="institute_list"),
    path("institutes/<slug:slug>/", views.institute_detail, name="institute_detail"),
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/<slug:slug>/", views.zone_detail, name="zone_detail"),
    path("map/", map_views.map_page, name="map"),
    path("map/data.json", map_views.map_data, name="map_data"),
]
