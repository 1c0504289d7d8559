from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from articles import readers, views
from articles.feeds import ArticleFeed
from articles.logins import LoginForm


class Text:
    """A path segment without control characters (PostgreSQL refuses NUL in
    text, and no slug or token has any)."""

    regex = "[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Text, "text")

urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<int:pk>/<text:slug>/", views.article_detail, name="article"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/<text:slug>/", views.tag_detail, name="tag"),
    path("tags/<text:slug>/feed/", ArticleFeed(), name="tag-feed"),
    path("digests/", views.digest_list, name="digests"),
    path("digests/<int:pk>/", views.digest_detail, name="digest"),
    path("feed/", ArticleFeed(), name="feed"),
    path("bookmarks/", views.bookmark_list, name="bookmarks"),
    path("bookmarks/<int:pk>/", readers.bookmark, name="bookmark"),
    path("bookmarks/<int:pk>/note/", readers.bookmark_note, name="bookmark-note"),
    path("bookmarks/export.<str:fmt>", readers.bookmarks_export, name="bookmarks-export"),
    path("bookmarks/import/", readers.bookmarks_import, name="bookmarks-import"),
    path("lists/", readers.reading_lists, name="reading-lists"),
    path("lists/add/", readers.reading_list_add, name="reading-list-add"),
    path("lists/<int:pk>/", readers.reading_list, name="reading-list"),
    path("lists/<int:pk>/<str:action>/", readers.reading_list_change, name="reading-list-change"),
    path("l/<text:token>/", readers.shared_list, name="shared-list"),
    path("api/search", views.api_search, name="api-search"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", readers.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
