"""What changes what readers see: one row, bumped by the database itself."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """The version of everything anonymous pages show: triggers (migration
    0008) bump it on any insert, update or delete of a source, article,
    section, link, tag, alias, article tag, appearance or reading list,
    whatever code or command makes the change. Cached pages and ETags carry
    it (articles.views.caching), so a change retires them all at once."""

    version = models.BigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self) -> str:
        return f"{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
