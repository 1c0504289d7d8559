"""Tags, their other names, and which articles carry them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.lib.urls import cached_reverse, make_slug
from articles.models.sources import Article


class TagQuerySet(models.QuerySet["Tag"]):
    def with_counts(self) -> TagQuerySet:
        """Tags on at least one published article, with ``n`` of them."""
        published = models.Q(articles__status=Article.Status.PUBLISHED)
        return self.annotate(n=models.Count("articles", filter=published)).filter(n__gt=0)

    def named(self, *names: str) -> TagQuerySet:
        """Tags called any of ``names``, by name, slug or alias, whatever the case."""
        called = models.Q(pk__in=[])
        for name in names:
            called |= (
                models.Q(name__iexact=name)
                | models.Q(slug__iexact=name)
                | models.Q(aliases__name__iexact=name)
            )
        return self.filter(called).distinct()


class Tag(models.Model):
    class Kind(models.TextChoices):
        ORG = "org", _("organisation")
        MODEL = "model", _("model or product")
        PERSON = "person", _("person")
        VENUE = "venue", _("venue")
        TOPIC = "topic", _("topic")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.TOPIC)
    automatic = models.BooleanField(
        _("automatic"),
        default=True,
        help_text=_("Automatic tagging looks for this tag's name and aliases."),
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = make_slug(self.name, fallback="tag")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.url_of(self.slug)

    @staticmethod
    def url_of(slug: str) -> str:
        return cached_reverse("tag", slug=slug)


class TagAlias(models.Model):
    """Another name that means the tag: ``StepFun`` for ``阶跃星辰``."""

    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("tag")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("tag alias")
        verbose_name_plural = _("tag aliases")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleTag(models.Model):
    class Origin(models.TextChoices):
        AUTO = "auto", _("set automatically")
        EDITOR = "editor", _("set by an editor")
        FILE = "source", _("named by the file")  # a Markdown digest's category

    # No index of their own: article_tag_once starts with the article and
    # tag_newest with the tag (two fewer indexes to write per tag row).
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, db_index=False, verbose_name=_("article")
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, db_index=False, verbose_name=_("tag"))
    origin = models.CharField(
        _("origin"), max_length=6, choices=Origin.choices, default=Origin.EDITOR
    )
    # The article's, kept here so that a tag's newest articles are one index
    # range, whatever the tag's size (Article.save keeps it in step).
    published_on = models.DateField(_("published on"), editable=False)

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        constraints = [
            models.UniqueConstraint(fields=["article", "tag"], name="article_tag_once"),
        ]
        indexes = [
            models.Index(fields=["tag", "-published_on", "-article"], name="tag_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.article} / {self.tag}"

    def save(self, *args, **kwargs) -> None:
        if self.published_on is None:
            self.published_on = self.article.published_on
        super().save(*args, **kwargs)


class RemovedTag(models.Model):
    """An automatic tag an editor took off an article: automatic tagging
    never puts it back."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="removed_tags", verbose_name=_("article")
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", verbose_name=_("tag"))
    removed_at = models.DateTimeField(_("removed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("removed tag")
        verbose_name_plural = _("removed tags")
        constraints = [
            models.UniqueConstraint(fields=["article", "tag"], name="removed_tag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article} / -{self.tag}"


def remove_tag(article: Article, tag: Tag) -> bool:
    """An editor takes a tag off; one that the importer set (automatic, or
    named by the file) is remembered as removed. Returns whether the article
    had it."""
    tagging = ArticleTag.objects.filter(article=article, tag=tag).first()
    if tagging is None:
        return False
    if tagging.origin in (ArticleTag.Origin.AUTO, ArticleTag.Origin.FILE):
        RemovedTag.objects.get_or_create(article=article, tag=tag)
    tagging.delete()
    return True
