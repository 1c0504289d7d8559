"""Atom feeds of the newest articles: all, one tag, or any search.

Valid for feed readers (RFC 4287): the feed's author covers every entry,
the self link is the URL asked for with its query, and each entry holds the
whole article, the sections' HTML as the sanitiser made it for the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.timezone import make_aware
from django.utils.translation import gettext as _

from articles.models import Section, Tag
from articles.search import NEWEST, Hit, search
from articles.views.forms import SearchForm

FEED_SIZE = 50
AUTHOR = "Newsroom"
# What XML 1.0 cannot carry; imported text and queries may have it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    r"""
    >>> xml_safe("\x1b[31m红\x00")
    '[31m红'
    """
    return _NOT_XML.sub("", text)


def article_html(sections: list[Section]) -> str:
    """An article's sections as one piece of HTML: each heading, then the
    section's HTML, already sanitised when the section was saved."""
    parts = []
    for section in sections:
        if section.heading:
            parts.append(format_html("<h2>{}</h2>", section.heading))
        parts.append(section.html)
    return xml_safe("\n".join(parts))


class _AtomWithContent(Atom1Feed):
    """Django's Atom feed, with the whole article in each entry's content."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass
class Selection:
    title: str
    link: str  # the page listing the same articles
    url: str  # this feed, as asked for: its self link
    search: dict


class ArticleFeed(Feed):
    """``/feed/?q=…&tag=…``: the newest articles matching a search."""

    feed_type = _AtomWithContent

    def get_object(self, request: HttpRequest, slug: str | None = None) -> Selection:
        form = SearchForm(request.GET)
        if not form.is_valid():
            raise Http404("bad query")
        kwargs = form.search_kwargs() | {"order": NEWEST, "page": 1}
        # Re-encoded from what Django decoded: the raw query string of a
        # client that sent UTF-8 unencoded reads as Latin-1.
        query = request.GET.urlencode()
        # The self link is this feed's own address, query and all, so a
        # reader subscribed to a search keeps that search.
        url = request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
        if slug is not None:
            tag = get_object_or_404(Tag, slug=slug)
            kwargs["tags"] = [tag, *kwargs["tags"]]
            link = tag.get_absolute_url() + (f"?{query}" if query else "")
            return Selection(f"#{tag.name} · {AUTHOR}", link, url, kwargs)
        link = reverse("index") + (f"?{query}" if query else "")
        text = kwargs["text"] or " ".join(f"#{t}" for t in kwargs["tags"])
        title = f"{text} · {AUTHOR}" if text else AUTHOR
        return Selection(title, link, url, kwargs)

    def title(self, obj: Selection) -> str:
        return xml_safe(obj.title)

    def link(self, obj: Selection) -> str:
        return xml_safe(obj.link)

    def feed_url(self, obj: Selection) -> str:
        return xml_safe(obj.url)

    def author_name(self, obj: Selection) -> str:
        return AUTHOR

    def subtitle(self, obj: Selection) -> str:
        return _("The newest AI news articles")

    def items(self, obj: Selection) -> list[Hit]:
        hits = search(**obj.search, page_size=FEED_SIZE, facets=False).hits
        # One query for the sections of every entry, whatever their number.
        sections = Section.objects.only("article_id", "position", "heading", "html")
        prefetch_related_objects([h.article for h in hits], Prefetch("sections", sections))
        return hits

    def item_title(self, item: Hit) -> str:
        return xml_safe(item.article.title)

    def item_description(self, item: Hit) -> str:
        return xml_safe(item.snippet)  # escaped HTML, matches in <mark>

    def item_extra_kwargs(self, item: Hit) -> dict:
        return {"content": article_html(list(item.article.sections.all()))}

    def item_link(self, item: Hit) -> str:
        return item.article.get_absolute_url()

    def item_author_name(self, item: Hit) -> str | None:
        return xml_safe(item.article.byline).strip() or None

    def item_pubdate(self, item: Hit) -> datetime | None:
        # An unknown publication date is left out rather than made up: Atom's
        # published is optional, and the import day is not when it appeared.
        if not item.article.date_known:
            return None
        return make_aware(datetime.combine(item.article.published_on, time()))

    def item_updateddate(self, item: Hit) -> datetime:
        # Never before it was published (a file may date itself ahead).
        published = self.item_pubdate(item)
        return max(item.article.updated_at, published or item.article.updated_at)

    def item_categories(self, item: Hit) -> list[str]:
        return [xml_safe(t.name) for t in item.tags]
