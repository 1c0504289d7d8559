from django.contrib import admin
from django.urls import path

from articles import views

urlpatterns = [
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="article"),
    path("api/search", views.api_search, name="api-search"),
    path("admin/", admin.site.urls),
]
