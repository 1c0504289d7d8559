"""Atom feeds of the newest articles: all, one tag, or any search."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from articles.models import Tag
from articles.search import NEWEST, Hit, search
from articles.views.forms import SearchForm

FEED_SIZE = 50
# What XML 1.0 cannot carry; imported text and queries may have it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    r"""
    >>> xml_safe("\x1b[31m红\x00")
    '[31m红'
    """
    return _NOT_XML.sub("", text)


@dataclass
class Selection:
    title: str
    link: str
    search: dict


class ArticleFeed(Feed):
    """``/feed/?q=…&tag=…``: the newest articles matching a search."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str | None = None) -> Selection:
        form = SearchForm(request.GET)
        if not form.is_valid():
            raise Http404("bad query")
        kwargs = form.search_kwargs() | {"order": NEWEST, "page": 1}
        if slug is not None:
            tag = get_object_or_404(Tag, slug=slug)
            kwargs["tags"] = [tag, *kwargs["tags"]]
            return Selection(f"#{tag.name} · Newsroom", tag.get_absolute_url(), kwargs)
        query = request.GET.urlencode()
        link = reverse("index") + (f"?{query}" if query else "")
        text = kwargs["text"] or " ".join(f"#{t}" for t in kwargs["tags"])
        title = f"{text} · Newsroom" if text else "Newsroom"
        return Selection(title, link, kwargs)

    def title(self, obj: Selection) -> str:
        return xml_safe(obj.title)

    def link(self, obj: Selection) -> str:
        return xml_safe(obj.link)

    def subtitle(self, obj: Selection) -> str:
        return _("The newest AI news articles")

    def items(self, obj: Selection) -> list[Hit]:
        return search(**obj.search, page_size=FEED_SIZE, facets=False).hits

    def item_title(self, item: Hit) -> str:
        return xml_safe(item.article.title)

    def item_description(self, item: Hit) -> str:
        return xml_safe(item.snippet)  # escaped HTML, matches in <mark>

    def item_link(self, item: Hit) -> str:
        return item.article.get_absolute_url()

    def item_pubdate(self, item: Hit):
        return item.article.created_at

    def item_updateddate(self, item: Hit):
        return item.article.updated_at

    def item_categories(self, item: Hit) -> list[str]:
        return [xml_safe(t.name) for t in item.tags]
