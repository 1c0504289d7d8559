"""Imported files and what was made of them: sources, articles, sections,
links, and the measures that find duplicates."""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.lib import links
from articles.lib.markup import render_markdown
from articles.lib.urls import SLUG_LENGTH, cached_reverse, make_slug


class Source(models.Model):
    """One imported raw file, kept verbatim so every split can be redone."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    filename = models.CharField(_("filename"), max_length=500)
    size = models.PositiveBigIntegerField(_("size"), help_text=_("Bytes in the file as imported."))
    raw_text = models.TextField(
        _("raw text"), help_text=_("The decoded file; NULs are stored as U+FFFD.")
    )
    encoding = models.CharField(_("encoding"), max_length=20)

    class Format(models.TextChoices):
        # The values are articles.ingest.parsing.Format's.
        MANGLED_DIGEST = "mangled_digest", _("digest from a mirror page")
        MARKDOWN_DIGEST = "markdown_digest", _("Markdown digest")
        MIRROR_POST = "mirror_post", _("post from a mirror page")
        PLAIN_TEXT = "plain_text", _("plain text")

    format = models.CharField(
        _("format"),
        max_length=20,
        choices=Format.choices,
        help_text=_("What kind of file the parser found it to be."),
    )
    title = models.CharField(
        _("title"),
        max_length=500,
        blank=True,
        help_text=_("The digest's own title, if it has one."),
    )
    origin_url = models.URLField(_("origin URL"), max_length=2000, blank=True)
    page_url = models.URLField(_("mirror page URL"), max_length=2000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    parser_version = models.PositiveIntegerField(_("parser version"))
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    # The origin's page as fetched, verbatim like the raw text, so that a
    # restore of punctuation (#21) can be redone without fetching again.
    original_html = models.TextField(_("original page"), blank=True)
    original_fetched_at = models.DateTimeField(_("original fetched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["-imported_at", "-id"], name="source_recent")]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return cached_reverse("digest", pk=self.pk)

    @property
    def name(self) -> str:
        """How readers see it (the file name is for the admin): its title,
        else the site it came from and its date, else its date; a source
        without a date goes by the day it was imported, said as such."""
        if self.title.strip():
            return self.title.strip()
        site = links.site_of(self.origin_url) or links.site_of(self.page_url)
        if self.published_on:
            day = date_format(self.published_on)
        else:
            imported = self.imported_at or timezone.now()
            day = imported_on(timezone.localdate(imported))
        if not site:
            return day
        return gettext("%(site)s · %(date)s") % {"site": site, "date": day}

    @property
    def original_url(self) -> str:
        """The origin URL if it may be linked (it comes from the file)."""
        return links.web_url(self.origin_url)

    @property
    def mirror_url(self) -> str:
        return links.web_url(self.page_url)


def imported_on(day) -> str:
    return gettext("imported on %(date)s") % {"date": date_format(day)}


# What a page needs of a source to name and link it; listings load only these.
SOURCE_NAME_FIELDS = ("id", "title", "origin_url", "page_url", "published_on", "imported_at")


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED)

    def unpublished(self) -> ArticleQuerySet:
        """The few hidden or under review: an index range on the status, where
        ``exclude(published)`` walks every article."""
        return self.filter(status__in=UNPUBLISHED)

    def related_to(self, article: Article, limit: int = 5) -> list[Article]:
        """Articles sharing most tags with this one, newer first among equals.

        Only the newest hundred articles of each of its tags are considered
        (each an index range), so a tag on 30,000 articles costs no more than
        one on 30.
        """
        tag_ids = [int(t.id) for t in article.tags.all()]
        if not tag_ids:
            return []
        newest = " UNION ALL ".join(
            "SELECT * FROM (SELECT article_id, published_on FROM articles_articletag"
            f" WHERE tag_id = {tag_id} AND article_id <> %s"
            " ORDER BY published_on DESC, article_id DESC LIMIT 100) AS t"
            for tag_id in tag_ids
        )
        shared: dict[int, int] = {}
        dates: dict[int, object] = {}
        with connection.cursor() as cursor:
            cursor.execute(newest, [article.id] * len(tag_ids))
            for article_id, published_on in cursor.fetchall():
                shared[article_id] = shared.get(article_id, 0) + 1
                dates[article_id] = published_on
        best = sorted(shared, key=lambda i: (shared[i], dates[i], i), reverse=True)[: limit * 3]
        # By id first, then the status: a status filter first sends SQLite
        # down the listing index through every published article.
        found = self.only("id", "slug", "title", "published_on", "date_known", "status").in_bulk(
            best
        )
        published = [
            found[i] for i in best if i in found and found[i].status == Article.Status.PUBLISHED
        ]
        return published[:limit]


class Article(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden")
        REVIEW = "review", _("needs review")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="articles", verbose_name=_("source")
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("Order in the source, from 1.")
    )
    title = models.CharField(_("title"), max_length=500)
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True)
    byline = models.CharField(_("byline"), max_length=500, blank=True)
    slug = models.SlugField(_("slug"), max_length=SLUG_LENGTH, allow_unicode=True)
    published_on = models.DateField(
        _("published on"),
        help_text=_("The source's publication date, or the import date when it gives none."),
    )
    date_known = models.BooleanField(
        _("publication date known"),
        default=True,
        help_text=_(
            "Off when the source gave no date and “published on” is the import date; "
            "readers then see “imported on”. Changing the date here sets it."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    edited = models.BooleanField(
        _("edited by an editor"),
        default=False,
        help_text=_("Re-imports and --reparse leave edited articles alone."),
    )
    restored_at = models.DateTimeField(
        _("restored from the original"),
        null=True,
        blank=True,
        help_text=_("When its punctuation and line breaks were taken from the origin."),
    )
    review_reasons = models.JSONField(
        _("review reasons"),
        default=list,
        blank=True,
        help_text=_("Why the parser was unsure of this article; empty once reviewed."),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=32, blank=True, db_index=True, editable=False,
        help_text=_("Of the normalised text: the same article scraped again has the same."),
    )  # fmt: skip
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="near_copies",
        verbose_name=_("duplicate of"),
        help_text=_("The article this one nearly copies; it stays hidden while this is set."),
    )  # fmt: skip
    span_start = models.PositiveIntegerField(
        _("span start"), help_text=_("Offset of the article in the raw text.")
    )
    span_end = models.PositiveIntegerField(_("span end"))
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading minutes"),
        default=1, editable=False,
        help_text=_("Kept in step with the sections by articles.search.sync."),
    )  # fmt: skip
    tags = models.ManyToManyField(
        "Tag", through="ArticleTag", related_name="articles", verbose_name=_("tags")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="article_position"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_on", "-id"], name="article_listing"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # ArticleTag, reached through the relation (it lives in models.tags).
        self.tags.through.objects.filter(article=self).exclude(
            published_on=self.published_on
        ).update(published_on=self.published_on)

    def get_absolute_url(self) -> str:
        return cached_reverse("article", pk=self.pk, slug=self.slug)

    def neighbours(self) -> tuple[Article | None, Article | None]:
        """The published articles before and after this one in its digest."""
        others = list(
            Article.objects.published()
            .filter(source_id=self.source_id)
            .exclude(pk=self.pk)
            .only("id", "slug", "title", "position")
            .order_by("position")
        )
        before = [a for a in others if a.position < self.position]
        after = [a for a in others if a.position > self.position]
        return (before[-1] if before else None, after[0] if after else None)


# Every status but published, for statements that leave those articles out.
UNPUBLISHED = [s for s in Article.Status.values if s != Article.Status.PUBLISHED]


class Section(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sections", verbose_name=_("article")
    )
    position = models.PositiveIntegerField(_("position"))
    heading = models.CharField(
        _("heading"), max_length=500, blank=True, help_text=_("Empty for the lead.")
    )
    anchor = models.SlugField(_("anchor"), max_length=SLUG_LENGTH, allow_unicode=True, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    html = models.TextField(
        _("HTML"), editable=False, help_text=_("body rendered and sanitised at save")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="section_position"),
        ]

    def __str__(self) -> str:
        return self.heading or str(_("(lead)"))

    def save(self, *args, **kwargs) -> None:
        self.render()
        if self.heading and not self.anchor:
            self.anchor = make_slug(self.heading, fallback=f"section-{self.position}")
        super().save(*args, **kwargs)

    def render(self) -> None:
        self.html = render_markdown(self.body)


class Link(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("paper")
        CODE = "code", _("code")
        REFERENCE = "reference", _("reference")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="links", verbose_name=_("article")
    )
    position = models.PositiveIntegerField(_("position"))
    url = models.URLField(_("URL"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=9, choices=Kind.choices, default=Kind.REFERENCE)
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("arXiv id, owner/repo, or the host.")
    )

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="link_position"),
        ]
        indexes = [models.Index(fields=["kind", "article"], name="link_kind")]

    def __str__(self) -> str:
        return self.url

    def save(self, *args, **kwargs) -> None:
        self.classify()
        super().save(*args, **kwargs)

    def classify(self) -> None:
        found = links.classify(self.url)
        self.kind, self.label = found.kind, found.label[:200]


class Appearance(models.Model):
    """The same article found again in another digest (another mirror, or a
    later digest): kept as where it appeared rather than as a second copy."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="appearances")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="appearances")
    position = models.PositiveIntegerField(help_text="Its place among the digest's articles.")
    span_start = models.PositiveIntegerField()
    span_end = models.PositiveIntegerField()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="appearance_position"),
        ]

    def __str__(self) -> str:
        return f"{self.article} in {self.source}"


class SketchEntry(models.Model):
    """The hash of one of an article's longest paragraphs: the index that
    finds near-duplicate candidates without reading every article."""

    hash = models.BigIntegerField(db_index=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.hash} → {self.article_id}"


class ArticleSketch(models.Model):
    """An article's duplicate sketch (articles.ingest.dedupe), read only when a new
    article is compared: kept out of the article rows, which every listing
    and search reads."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    hashes = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"sketch of {self.article_id}"
