from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from articles.views import api, converters, pages, readers
from articles.views.caching import cached_for_anonymous
from articles.views.feeds import ArticleFeed

register_converter(converters.Text, "text")
register_converter(converters.Id, "id")

urlpatterns = [
    path("", pages.index, name="index"),
    path("articles/<id:pk>/<text:slug>/", pages.article_detail, name="article"),
    path("articles/<id:pk>/", pages.article_without_slug, name="article-short"),
    path("tags/", pages.tag_list, name="tags"),
    path("tags/<text:slug>/", pages.tag_detail, name="tag"),
    path("tags/<text:slug>/feed/", cached_for_anonymous(ArticleFeed()), name="tag-feed"),
    path("digests/", pages.digest_list, name="digests"),
    path("digests/<id:pk>/", pages.digest_detail, name="digest"),
    path("feed/", cached_for_anonymous(ArticleFeed()), name="feed"),
    path("read/", pages.mark_listing_read, name="mark-read"),
    path("read/<id:pk>/", readers.read_state, name="read-state"),
    path("view/", readers.list_view, name="list-view"),
    path("bookmarks/", pages.bookmark_list, name="bookmarks"),
    path("bookmarks/<id:pk>/", readers.bookmark, name="bookmark"),
    path("bookmarks/<id:pk>/note/", readers.bookmark_note, name="bookmark-note"),
    path("bookmarks/export.<str:fmt>", readers.bookmarks_export, name="bookmarks-export"),
    path("bookmarks/import/", readers.bookmarks_import, name="bookmarks-import"),
    path("lists/", readers.reading_lists, name="reading-lists"),
    path("lists/add/", readers.reading_list_add, name="reading-list-add"),
    path("lists/<id:pk>/", readers.reading_list, name="reading-list"),
    path("lists/<id:pk>/<str:action>/", readers.reading_list_change, name="reading-list-change"),
    path("l/<text:token>/", readers.shared_list, name="shared-list"),
    path("api/search", api.api_search, name="api-search"),
    path("healthz", pages.healthz, name="healthz"),
    path("accounts/signup/", readers.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Django's own view; exempt from CSRF as anonymous pages carry no token
    # (articles.views.caching), and a forged switch of language harms no one.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
