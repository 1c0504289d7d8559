from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("News")

    def ready(self) -> None:
        # The admin classes live in articles.editorial (Django looks for "admin").
        # The search index follows every change of an article or a section,
        # in the same transaction (articles.search.sync).
        from articles import search
        from articles.editorial import admin  # noqa: F401
        from articles.models import Article, Section
        from articles.search.index import rebuild_after_migrate

        def article_changed(sender, instance, **kwargs) -> None:
            search.sync([instance.pk])

        def section_changed(sender, instance, **kwargs) -> None:
            search.sync([instance.article_id])

        from django.contrib.auth.signals import user_logged_in

        from articles.readers.bookmarks import make_pending_bookmark

        user_logged_in.connect(make_pending_bookmark, dispatch_uid="pending-bookmark")

        for signal in (post_save, post_delete):
            signal.connect(article_changed, sender=Article, dispatch_uid=f"search-article-{signal}")
            signal.connect(section_changed, sender=Section, dispatch_uid=f"search-section-{signal}")

        # A migration can say the index's tokens changed: rebuild it then.
        post_migrate.connect(rebuild_after_migrate, sender=self, dispatch_uid="search-rebuild")
