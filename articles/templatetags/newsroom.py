from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.lib.urls import url_context
from articles.models import Tag

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """``{{ marks|get_item:article.pk }}``: a dict lookup by a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def is_in(value, collection) -> bool:
    """``{% include … with is_read=article.pk|is_in:read %}``."""
    return bool(collection) and value in collection


@register.simple_tag
def tag_list(tags) -> str:
    """``{% tag_list article.tags.all %}``: an article's tags as links.

    Built here rather than in a template loop: a listing shows 20 articles
    with up to 10 tags each, and the template engine took a third of a
    page's time resolving them. Each tag's item is made once, then reused.
    """
    if not tags:
        return ""
    context = url_context()
    items = "".join([_tag_item(t.slug, t.name, *context) for t in tags])
    label = gettext("Tags")
    return format_html('<ul class="tags" aria-label="{}">{}</ul>', label, mark_safe(items))


@lru_cache(maxsize=4096)
def _tag_item(slug: str, name: str, prefix: str, urlconf: str) -> SafeString:
    """One tag's item; the script prefix and URLconf its link depends on are
    part of the key."""
    return format_html('<li><a href="{}">#{}</a></li>', Tag.url_of(slug), name)


@register.simple_tag
def article_date(article) -> str:
    """``{% article_date article %}``: the day an article was published, or,
    when its source gave none, the day it was imported, said as such."""
    day = article.published_on
    time = format_html('<time datetime="{}">{}</time>', day.isoformat(), date_format(day))
    if article.date_known:
        return time
    return mark_safe(str(escape(gettext("imported on %(date)s"))) % {"date": time})
