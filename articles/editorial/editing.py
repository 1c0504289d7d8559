"""Editors' fixes to where the parser split a digest.

Split an article at a section, merge it with the next one, move a section to
the neighbouring article, turn a heading into a paragraph or a paragraph into
a heading. Each function runs in one transaction (a half-applied split would
leave two articles sharing sections, or a gap in the positions), marks every
article it touches as edited so re-imports leave it alone, keeps positions
contiguous, moves the articles' spans in the raw text along, and re-indexes
what changed (the search index follows in the same transaction).

:func:`preview` runs any of them and rolls back, so a confirmation page shows
exactly what applying would do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from articles import search
from articles.ingest import autotag
from articles.lib.markup import escape_markdown, render_markdown
from articles.lib.text import plain_text
from articles.lib.urls import make_slug
from articles.models import Article, ArticleTag, Link, RemovedTag, Section, Tag

# Positions are unique per digest and per article: renumbering parks rows
# this far out of the way first, so no intermediate state collides.
_PARK = 1_000_000


class EditError(ValueError):
    """The edit makes no sense here (e.g. merging the last article)."""


@dataclass
class Outcome:
    """What an edit did, for the confirmation page and the admin history."""

    message: str
    articles: list[Article]  # the articles it changed or created, in digest order
    created: list[Article] = field(default_factory=list)  # those of them it created


@dataclass
class Preview:
    """One article as an edit would leave it."""

    article: Article
    sections: list[Section]
    tags: list[str]  # names, sorted
    new: bool  # the edit creates it (a split's second part)


def preview(edit: Callable[..., Outcome], *args) -> list[Preview]:
    """The articles an edit would leave, with their sections and tags;
    nothing is kept."""

    class Rollback(Exception):
        pass

    shown: list[Preview] = []
    try:
        with transaction.atomic():
            outcome = edit(*args)
            created = {a.pk for a in outcome.created}
            for article in outcome.articles:
                shown.append(
                    Preview(
                        article,
                        list(article.sections.order_by("position")),
                        sorted(article.tags.values_list("name", flat=True)),
                        article.pk in created,
                    )
                )
            raise Rollback
    except Rollback:
        pass
    return shown


def split(section: Section) -> Outcome:
    """This section and all after it become a new article right after its own."""
    with transaction.atomic(), search.batch():
        article = _locked(section.article_id)
        section = article.sections.get(pk=section.pk)
        if section.position == 1:
            raise EditError(_("Split at the first section would leave an empty article."))
        _shift_articles(article.source_id, article.position + 1, +1)
        moving = list(article.sections.filter(position__gte=section.position))
        boundary = _offset_of(article, section)
        title = section.heading or _first_words(section.body)
        new = Article.objects.create(
            source_id=article.source_id,
            position=article.position + 1,
            title=title[:500],
            slug=make_slug(title),
            published_on=article.published_on,
            date_known=article.date_known,
            status=article.status,
            edited=True,
            span_start=boundary,
            span_end=article.span_end,
        )
        Section.objects.filter(pk__in=[s.pk for s in moving]).update(
            article=new, position=F("position") + _PARK
        )
        # The section split at becomes the new article's lead: its heading is
        # now the title.
        first = new.sections.get(pk=section.pk)
        first.heading, first.anchor = "", ""
        first.save()
        _renumber_sections(new)
        _move_links(article, new)
        _tag_split(article, new)
        article.span_end = boundary
        _touch(article)
        search.sync([article.pk, new.pk])
    return Outcome(
        _("Split “%(article)s” at “%(heading)s”: new article “%(new)s”.")
        % {"article": article.title, "heading": title, "new": new.title},
        [article, new],
        created=[new],
    )


def merge_with_next(article: Article) -> Outcome:
    """The next article of the digest is appended to this one and goes away."""
    with transaction.atomic(), search.batch():
        article = _locked(article.pk)
        following = _neighbour(article, +1)
        if following is None:
            raise EditError(_("This is the last article of its digest: nothing to merge with."))
        offset = article.sections.aggregate(n=Max("position"))["n"] or 0
        sections = list(following.sections.order_by("position"))
        if sections and not sections[0].heading:
            # The lead of the next article gets its title as a heading, so
            # nothing the reader saw is lost.
            sections[0].heading = following.title
        anchors = set(article.sections.exclude(anchor="").values_list("anchor", flat=True))
        for n, s in enumerate(sections, 1):
            s.article, s.position = article, offset + n
            s.anchor = _unique_anchor(s, anchors)
            s.save()
        links = article.links.count()
        for n, link in enumerate(following.links.order_by("position"), 1):
            if not article.links.filter(url=link.url).exists():
                Link.objects.filter(pk=link.pk).update(article=article, position=links + n)
        for tagging in following.articletag_set.all():
            ArticleTag.objects.get_or_create(
                article=article, tag_id=tagging.tag_id, defaults={"origin": tagging.origin}
            )
        article.span_start = min(article.span_start, following.span_start)
        article.span_end = max(article.span_end, following.span_end)
        title = following.title
        following.delete()
        _shift_articles(article.source_id, article.position + 2, -1)
        _touch(article)
    return Outcome(
        _("Merged “%(merged)s” into “%(article)s”.") % {"merged": title, "article": article.title},
        [article],
    )


def move_section(section: Section, direction: int) -> Outcome:
    """Move a section to the end of the previous article (``-1``) or the
    start of the next one (``+1``)."""
    with transaction.atomic(), search.batch():
        article = _locked(section.article_id)
        section = article.sections.get(pk=section.pk)
        target = _neighbour(article, direction)
        if target is None:
            raise EditError(_("There is no article on that side in this digest."))
        count = article.sections.count()
        if count == 1:
            raise EditError(_("An article keeps at least one section: merge it instead."))
        if direction < 0 and section.position != 1:
            raise EditError(_("Only the first section can move to the previous article."))
        if direction > 0 and section.position != count:
            raise EditError(_("Only the last section can move to the next article."))
        anchors = set(target.sections.exclude(anchor="").values_list("anchor", flat=True))
        if direction < 0:
            end = target.sections.aggregate(n=Max("position"))["n"] or 0
            section.article, section.position = target, end + 1
            if not section.heading:
                section.heading = article.title  # a lead moving on keeps a name
            section.anchor = _unique_anchor(section, anchors)
            section.save()
            boundary = _offset_of(article, article.sections.order_by("position").first())
            target.span_end = article.span_start = boundary
        else:
            boundary = _offset_of(article, section)
            target.sections.update(position=F("position") + _PARK)
            section.article, section.position = target, 0
            section.anchor = _unique_anchor(section, anchors)
            section.save()
            article.span_end = target.span_start = boundary
        _renumber_sections(article)
        _renumber_sections(target)
        _touch(article)
        _touch(target)
    return Outcome(
        _("Moved section “%(section)s” from “%(article)s” to “%(target)s”.")
        % {
            "section": section.heading or _("lead"),
            "article": article.title,
            "target": target.title,
        },
        sorted([article, target], key=lambda a: a.position),
    )


def heading_to_paragraph(section: Section) -> Outcome:
    """The heading becomes the first paragraph of its text, which joins the
    section before (or becomes the lead when there is none)."""
    with transaction.atomic(), search.batch():
        article = _locked(section.article_id)
        section = article.sections.get(pk=section.pk)
        if not section.heading:
            raise EditError(_("This section has no heading."))
        text = _join(escape_markdown(section.heading), section.body)
        before = (
            article.sections.filter(position__lt=section.position).order_by("-position").first()
        )
        if before is None:
            section.heading, section.anchor, section.body = "", "", text
            section.save()
        else:
            before.body = _join(before.body, text)
            before.save()
            section.delete()
            _renumber_sections(article)
        _touch(article)
    return Outcome(
        _("Heading “%(heading)s” is a paragraph now.") % {"heading": section.heading}, [article]
    )


def paragraph_to_heading(section: Section, index: int) -> Outcome:
    """Paragraph ``index`` (from 0) of a section starts a new section, with
    that paragraph as its heading and the paragraphs after it as its text."""
    with transaction.atomic(), search.batch():
        article = _locked(section.article_id)
        section = article.sections.get(pk=section.pk)
        paragraphs = paragraphs_of(section)
        if not 0 <= index < len(paragraphs):
            raise EditError(_("No such paragraph."))
        heading = " ".join(plain_text(render_markdown(paragraphs[index])).split())
        if not heading:
            raise EditError(_("That paragraph has no text to make a heading of."))
        if index == 0 and not section.heading and section.position == 1:
            # The lead itself: it becomes a headed section; no lead then.
            section.heading, section.anchor = heading[:500], ""
            section.body = "\n\n".join(paragraphs[1:])
            section.save()
        else:
            article.sections.filter(position__gt=section.position).update(
                position=F("position") + _PARK
            )
            section.body = "\n\n".join(paragraphs[:index])
            section.save()
            Section.objects.create(
                article=article,
                position=section.position + 1,
                heading=heading[:500],
                body="\n\n".join(paragraphs[index + 1 :]),
            )
            _renumber_sections(article)
        _touch(article)
    return Outcome(f"“{heading}” is a section heading now.", [article])


def paragraphs_of(section: Section) -> list[str]:
    return [p for p in section.body.split("\n\n") if p.strip()]


# --------------------------------------------------------------------------


def _locked(article_id: int) -> Article:
    """The article, locked with the other articles of its digest, as every
    edit renumbers them."""
    article = Article.objects.select_related("source").get(pk=article_id)
    list(Article.objects.select_for_update().filter(source_id=article.source_id).values("id"))
    return Article.objects.select_related("source").get(pk=article_id)


def _neighbour(article: Article, direction: int) -> Article | None:
    return Article.objects.filter(
        source_id=article.source_id, position=article.position + direction
    ).first()


def _shift_articles(source_id: int, start: int, delta: int) -> None:
    """Move the articles from position ``start`` on by ``delta``."""
    later = Article.objects.filter(source_id=source_id, position__gte=start)
    later.update(position=F("position") + _PARK)
    Article.objects.filter(source_id=source_id, position__gte=start + _PARK).update(
        position=F("position") - _PARK + delta
    )


def _renumber_sections(article: Article) -> None:
    ordered = list(article.sections.order_by("position").values_list("pk", flat=True))
    article.sections.update(position=F("position") + 2 * _PARK)
    for n, pk in enumerate(ordered, 1):
        Section.objects.filter(pk=pk).update(position=n)


def _move_links(source: Article, target: Article) -> None:
    """Links found in the target's text now belong to it."""
    text = " ".join(target.sections.values_list("body", flat=True))
    moving = [link for link in source.links.order_by("position") if link.url in text]
    for n, link in enumerate(moving, 1):
        Link.objects.filter(pk=link.pk).update(article=target, position=n)
    for n, link in enumerate(source.links.order_by("position"), 1):
        Link.objects.filter(pk=link.pk).update(position=n)


def _tag_split(original: Article, new: Article) -> None:
    """The new part of a split gets the tags its own text names, by the rule
    of each tag's origin, rather than all of the original's.

    Automatic tags: as automatic tagging would tag it (named up front or
    often; ``retag`` later agrees). An editor's tags: those its text names at
    all, by name or alias. Tags named by the file (a Markdown digest's
    category): all of them, as the category heads the original's whole span
    in the file, the new part included. Tags an editor took off the original
    stay off: the judgement was about this text too.
    """
    texts = autotag.texts_of(new)
    title, subtitle, _lead, body = texts  # the body holds the lead
    taggings = list(original.articletag_set.all())
    editors = autotag.vocabulary_of(
        Tag.objects.filter(
            pk__in=[t.tag_id for t in taggings if t.origin == ArticleTag.Origin.EDITOR]
        )
    )
    named = {editors.tag_ids[n] for n in editors.tagger.mentions(f"{title}\n{subtitle}\n{body}")}
    ArticleTag.objects.bulk_create(
        [
            ArticleTag(article=new, tag_id=t.tag_id, origin=t.origin, published_on=new.published_on)
            for t in taggings
            if t.origin == ArticleTag.Origin.FILE
            or (t.origin == ArticleTag.Origin.EDITOR and t.tag_id in named)
        ]
    )
    removed = original.removed_tags.values_list("tag_id", flat=True)
    RemovedTag.objects.bulk_create([RemovedTag(article=new, tag_id=t) for t in removed])
    vocabulary = autotag.current()
    autotag.apply(new, vocabulary.tagger.tags(*texts), vocabulary.tag_ids)


def _unique_anchor(section: Section, taken: set[str]) -> str:
    if not section.heading:
        return ""
    base = anchor = section.anchor or make_slug(section.heading, fallback="section")
    n = 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def _offset_of(article: Article, section: Section) -> int:
    """Where a section starts in the raw text, within the article's span.

    The raw text is the lossy original, so look for the heading or the first
    words of the text; if neither is there, cut the span in proportion.
    """
    raw = article.source.raw_text
    start, end = article.span_start, article.span_end
    for probe in (section.heading, _first_words(section.body, 12)):
        probe = probe.strip()
        if probe and (found := raw.find(probe, start + 1, end)) > 0:
            return found
    sections = list(article.sections.order_by("position"))
    total = sum(len(s.body) + len(s.heading) for s in sections) or 1
    before = sum(len(s.body) + len(s.heading) for s in sections if s.position < section.position)
    return start + (end - start) * before // total


def _first_words(body: str, length: int = 40) -> str:
    return " ".join(plain_text(render_markdown(body)).split())[:length]


def _join(*blocks: str) -> str:
    return "\n\n".join(b.strip() for b in blocks if b.strip())


def _touch(article: Article) -> None:
    article.edited = True
    article.save()
