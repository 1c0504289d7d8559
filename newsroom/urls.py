from django.contrib import admin
from django.urls import include, path

from articles import views
from articles.feeds import ArticleFeed

urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="article"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("tags/<str:slug>/feed/", ArticleFeed(), name="tag-feed"),
    path("digests/", views.digest_list, name="digests"),
    path("digests/<int:pk>/", views.digest_detail, name="digest"),
    path("feed/", ArticleFeed(), name="feed"),
    path("api/search", views.api_search, name="api-search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
