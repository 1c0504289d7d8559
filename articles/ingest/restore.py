"""Give a source's articles back the punctuation and line breaks of their
origin page (issue #21).

    result = restore_source(source, policy_from_settings())

or in two steps, for a preview an editor confirms:

    plan = plan_restore(source, extracted.text)
    apply_restore(plan, fetched_at=source.original_fetched_at, user=request.user)

Only what ``alignment.align_parts`` takes from the original changes:
punctuation, spaces and line breaks between characters the article already
has. Articles an editor edited are planned (to be shown) but skipped unless
``include_edited``; a later ``--reparse`` keeps restored articles as it keeps
edited ones.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from articles import search
from articles.lib.markup import paragraphs_to_markdown
from articles.models import Article, Section, SketchEntry, Source

from . import dedupe
from .alignment import MIN_COVERAGE, ChangeKind, Op, Piece, Refusal, align_parts
from .originals import (
    Extracted,
    Fetched,
    FetchRefused,
    OriginalRefused,
    Policy,
    Reason,
    extract,
    extract_fetched,
    extract_plain,
)
from .originals import fetch as fetch_original


class Skip(StrEnum):
    EDITED = "edited"  # an editor changed it; left alone unless asked
    REFUSED = "refused"  # the alignment refused it (see ``ArticleRestore.reason``)
    UNCHANGED = "unchanged"  # the original adds nothing (or it was restored already)


@dataclass
class SectionRestore:
    section_id: int
    heading: str
    body: str  # Markdown, as stored
    new_heading: str
    new_body: str
    heading_pieces: list[Piece] = field(default_factory=list)
    body_pieces: list[Piece] = field(default_factory=list)  # of the plain text
    kept: bool = False  # its Markdown is an editor's or a file's own: not aligned

    @property
    def changed(self) -> bool:
        return (self.heading, self.body) != (self.new_heading, self.new_body)


@dataclass
class ArticleRestore:
    article_id: int
    title: str
    subtitle: str
    new_title: str
    new_subtitle: str
    sections: list[SectionRestore]
    accepted: bool
    coverage: float
    reason: Refusal | None = None
    edited: bool = False
    title_pieces: list[Piece] = field(default_factory=list)
    subtitle_pieces: list[Piece] = field(default_factory=list)
    changes: Counter[ChangeKind] = field(default_factory=Counter)

    @property
    def fingerprint(self) -> str:
        """What applying it would write, over what it would replace: a
        preview confirmed by an editor is applied only if this is unchanged."""
        texts = [self.title, self.subtitle, self.new_title, self.new_subtitle]
        for s in self.sections:
            texts += [str(s.section_id), s.heading, s.body, s.new_heading, s.new_body]
        data = json.dumps(texts, ensure_ascii=False).encode()
        return hashlib.sha256(data).hexdigest()[:16]

    @property
    def changed(self) -> bool:
        return (self.title, self.subtitle) != (self.new_title, self.new_subtitle) or any(
            s.changed for s in self.sections
        )

    @property
    def skip(self) -> Skip | None:
        """Why applying the plan leaves it alone, or None."""
        if not self.accepted:
            return Skip.REFUSED
        if self.edited:
            return Skip.EDITED
        if not self.changed:
            return Skip.UNCHANGED
        return None


@dataclass
class RestorePlan:
    source_id: int
    articles: list[ArticleRestore]
    include_edited: bool = False

    def to_apply(self, only: Collection[int] | None = None) -> list[ArticleRestore]:
        """The articles applying it writes: accepted and changed ones, and of
        those ``only`` the ones an editor ticked (edited ones included) when
        given, else the ones no editor edited (unless ``include_edited``)."""
        return [
            a
            for a in self.articles
            if a.accepted
            and a.changed
            and (a.article_id in only if only is not None else self.include_edited or not a.edited)
        ]


def plan_restore(
    source: Source,
    extracted_text: str,
    *,
    include_edited: bool = False,
    min_coverage: float = MIN_COVERAGE,
) -> RestorePlan:
    """What restoring each published or reviewed article of the source from
    this original text would change; nothing is written."""
    articles = (
        source.articles.filter(status__in=[Article.Status.PUBLISHED, Article.Status.REVIEW])
        .order_by("position")
        .prefetch_related("sections")
    )
    plan = RestorePlan(source.id, [], include_edited)
    for article in articles:
        sections = sorted(article.sections.all(), key=lambda s: s.position)
        plan.articles.append(_plan_article(article, sections, extracted_text, min_coverage))
    return plan


def _plan_article(
    article: Article, sections: list[Section], original: str, min_coverage: float
) -> ArticleRestore:
    parts = [article.title, article.subtitle]
    plains: list[tuple[list[str], list[str]] | None] = []
    for section in sections:
        parts.append(section.heading)
        plain = _plain_paragraphs(section.body)
        plains.append(plain)
        if plain is not None:
            parts.append("\n\n".join(plain[0]))
    restoration = align_parts(parts, original, min_coverage=min_coverage)
    accepted = restoration.accepted
    aligned = iter(restoration.parts)
    title, subtitle = next(aligned), next(aligned)
    planned = []
    for section, plain in zip(sections, plains, strict=True):
        heading = next(aligned)
        new_heading = _one_line(heading.restored, section.heading) if accepted else section.heading
        entry = SectionRestore(
            section.id,
            section.heading,
            section.body,
            new_heading=new_heading,
            new_body=section.body,
            heading_pieces=diff_pieces(section.heading, new_heading),
            kept=plain is None,
        )
        if plain is not None:
            body = next(aligned)
            entry.body_pieces = body.pieces
            if accepted:
                paragraphs = [p for p in re.split(r"\n\s*\n", body.restored) if p.strip()]
                entry.new_body = paragraphs_to_markdown([p.strip() for p in paragraphs], plain[1])
        planned.append(entry)
    new_title = _one_line(title.restored, article.title)[:500] if accepted else article.title
    new_subtitle = (
        _one_line(subtitle.restored, article.subtitle)[:500] if accepted else article.subtitle
    )
    return ArticleRestore(
        article.id,
        article.title,
        article.subtitle,
        new_title=new_title,
        new_subtitle=new_subtitle,
        sections=planned,
        accepted=accepted,
        coverage=restoration.coverage,
        reason=restoration.reason,
        edited=article.edited,
        title_pieces=diff_pieces(article.title, new_title),
        subtitle_pieces=diff_pieces(article.subtitle, new_subtitle),
        changes=Counter(change.kind for part in restoration.parts for change in part.changes),
    )


def diff_pieces(old: str, new: str) -> list[Piece]:
    """A readable diff of a one-line text (a title, a heading) and what it
    becomes, which is its aligned text made one line.

    >>> [(p.op.value, p.text) for p in diff_pieces("你好 世界", "你好，世界")]
    [('equal', '你好'), ('delete', ' '), ('insert', '，'), ('equal', '世界')]
    """
    pieces = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i0, i1, j0, j1 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece(Op.EQUAL, old[i0:i1]))
            continue
        if i1 > i0:
            pieces.append(Piece(Op.DELETE, old[i0:i1]))
        if j1 > j0:
            pieces.append(Piece(Op.INSERT, new[j0:j1]))
    return pieces


def _one_line(restored: str, stored: str) -> str:
    """A title or heading stays one line whatever the original's layout."""
    if not stored:
        return stored
    return " ".join(restored.split())


_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _plain_paragraphs(body: str) -> tuple[list[str], list[str]] | None:
    """The plain paragraphs and autolinked URLs the importer made this body
    of, or None when it is Markdown of its own (a Markdown file's, an
    editor's): that is kept as it is rather than aligned through its markup."""
    urls = _AUTOLINK.findall(body)
    paragraphs = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        text = _AUTOLINK.sub(lambda m: m.group(1), block)
        text = _ESCAPED.sub(lambda m: m.group(1), text)
        paragraphs.append(text.replace("&lt;", "<").replace("&amp;", "&"))
    if paragraphs_to_markdown(paragraphs, urls) != body:
        return None
    return paragraphs, urls


def apply_restore(
    plan: RestorePlan,
    *,
    only: Collection[int] | None = None,
    fetched_at: datetime | None = None,
    user=None,
) -> int:
    """Write the plan's accepted, changed articles (``RestorePlan.to_apply``)
    in one transaction; returns how many were restored. An article changed
    since the plan was made (an editor saved it meanwhile) is left alone."""
    restored = 0
    now = timezone.now()
    changed: list[Article] = []
    with transaction.atomic(), search.batch():
        wanted = {a.article_id: a for a in plan.to_apply(only)}
        articles = Article.objects.select_for_update().filter(id__in=wanted).order_by("position")
        for article in articles:
            entry = wanted[article.id]
            sections = {s.id: s for s in article.sections.all()}
            if (article.title, article.subtitle) != (entry.title, entry.subtitle) or any(
                s.section_id not in sections
                or (sections[s.section_id].heading, sections[s.section_id].body)
                != (s.heading, s.body)
                for s in entry.sections
            ):
                continue
            article.title, article.subtitle = entry.new_title, entry.new_subtitle
            article.restored_at = now
            article.save(update_fields=["title", "subtitle", "restored_at", "updated_at"])
            for s in entry.sections:
                if s.changed:
                    section = sections[s.section_id]
                    section.heading, section.body = s.new_heading, s.new_body
                    section.save()  # renders the body through the one sanitiser
            _index_paragraphs(article, [sections[s.section_id] for s in entry.sections])
            changed.append(article)
            restored += 1
        if user is not None and changed:
            day = (fetched_at or now).date().isoformat()
            LogEntry.objects.log_actions(
                user.pk,
                changed,
                CHANGE,
                gettext("Punctuation and line breaks restored from the original (fetched %(day)s).")
                % {"day": day},
            )
    return restored


def _index_paragraphs(article: Article, sections: list[Section]) -> None:
    """Its restored paragraphs find its near copies too. The fingerprint and
    the sketch ignore punctuation and spaces, so they stay; the anchors are
    whole paragraphs, which the restore may have told apart: the new ones
    join those of the text as imported (a later mirror copy still has that)."""
    known = set(SketchEntry.objects.filter(article=article).values_list("hash", flat=True))
    fresh = [h for h in dedupe.anchors([s.html for s in sections]) if h not in known]
    SketchEntry.objects.bulk_create(SketchEntry(hash=h, article=article) for h in fresh)


class Status(StrEnum):
    RESTORED = "restored"
    REFUSED = "refused"  # the origin gave no usable text, or no article matched it
    UNREACHABLE = "unreachable"
    NO_ORIGIN = "no_origin"  # the source names no http(s) origin


_UNREACHABLE = {Reason.UNREACHABLE, Reason.TIMEOUT, Reason.UNRESOLVABLE, Reason.HTTP_STATUS}


@dataclass
class SourceResult:
    source_id: int
    name: str
    status: Status
    # Why it was left as it was: an ``originals.Reason`` or an alignment
    # ``Refusal``, with the HTTP status or the best coverage found.
    refusal: Reason | Refusal | None = None
    http_status: int | None = None
    coverage: float | None = None
    url: str = ""
    fetched: bool = False  # the origin was fetched now (not read from the source)
    restored: int = 0  # articles written (or that would be, on a dry run)
    refused: int = 0
    skipped_edited: int = 0
    unchanged: int = 0
    plan: RestorePlan | None = None

    @property
    def cause(self) -> str:
        """The refusal's code, with its HTTP status: ``http_status 404``."""
        if self.refusal is None:
            return ""
        return self.refusal.value + (f" {self.http_status}" if self.http_status else "")

    @property
    def reason(self) -> str:
        """One line, in the logs' English: ``low_coverage (coverage 3%)``."""
        if self.status == Status.NO_ORIGIN:
            return "no http(s) origin URL"
        if self.coverage is not None:
            return f"{self.cause} (coverage {self.coverage:.0%})"
        return self.cause


Fetch = Callable[[str, Policy], Fetched]


def restore_source(
    source: Source,
    policy: Policy,
    *,
    fetch: Fetch = fetch_original,
    dry_run: bool = False,
    refetch: bool = False,
    include_edited: bool = False,
    min_coverage: float = MIN_COVERAGE,
    user=None,
) -> SourceResult:
    """Fetch the origin (or reuse the copy stored on the source), extract
    its main text, and restore the source's articles from it."""
    result = SourceResult(source.id, source.filename, Status.NO_ORIGIN, url=source.original_url)
    stored = source.original_html and not refetch
    if not stored and not result.url:
        return result
    try:
        if stored:
            extracted = extract_stored(source)
            fetched_at = source.original_fetched_at
        else:
            fetched = fetch_into(source, policy, fetch=fetch, keep=not dry_run)
            result.fetched = True
            fetched_at = fetched.fetched_at
            extracted = extract_fetched(fetched)
    except OriginalRefused as exc:
        result.status = Status.UNREACHABLE if exc.reason in _UNREACHABLE else Status.REFUSED
        result.refusal, result.http_status = exc.reason, exc.status
        return result

    plan = plan_restore(
        source, extracted.text, include_edited=include_edited, min_coverage=min_coverage
    )
    result.plan = plan
    for article in plan.articles:
        skip = article.skip
        if skip == Skip.REFUSED:
            result.refused += 1
        elif skip == Skip.EDITED and not include_edited:
            result.skipped_edited += 1
        elif skip == Skip.UNCHANGED:
            result.unchanged += 1
    if plan.articles and result.refused == len(plan.articles):
        result.status = Status.REFUSED
        best = max(plan.articles, key=lambda a: a.coverage)
        result.refusal, result.coverage = best.reason or Refusal.LOW_COVERAGE, best.coverage
        return result
    result.status = Status.RESTORED
    if dry_run:
        result.restored = len(plan.to_apply())
    else:
        result.restored = apply_restore(plan, fetched_at=fetched_at, user=user)
    return result


def fetch_into(
    source: Source, policy: Policy, *, fetch: Fetch = fetch_original, keep: bool = True
) -> Fetched:
    """Fetch the source's origin page; ``keep`` stores it verbatim on the
    source (as its raw text is), so a restore can be redone without fetching
    again. Raises ``OriginalRefused`` (``Reason.SCHEME`` for a source
    without an http(s) origin)."""
    if not source.original_url:
        raise FetchRefused(Reason.SCHEME, source.origin_url)
    fetched = fetch(source.original_url, policy)
    if keep:
        source.original_html = fetched.text
        source.original_fetched_at = fetched.fetched_at
        source.save(update_fields=["original_html", "original_fetched_at"])
    return fetched


_HTML = re.compile(r"<(!doctype|html|head|body|article|main|div|p)\b", re.IGNORECASE)


def extract_stored(source: Source) -> Extracted:
    """The main text of the copy stored on the source, which was HTML or
    plain text: its start says which. Raises ``OriginalRefused`` when it has
    none."""
    text = source.original_html
    if _HTML.search(text[:10_000]):
        return extract(text, source.original_url)
    return extract_plain(text, source.original_url)


class Pacer:
    """Fetches with a pause between two requests to the same host, so a
    batch never hammers one site (the batch is sequential: one request per
    host at a time comes free)."""

    def __init__(self, pause: float, fetch: Fetch = fetch_original, sleep=time.sleep) -> None:
        self.pause = pause
        self._fetch = fetch
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def fetch(self, url: str, policy: Policy) -> Fetched:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            last = self._last.get(host)
            if last is not None:
                wait = last + self.pause - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
        try:
            return self._fetch(url, policy)
        finally:
            with self._lock:
                self._last[host] = time.monotonic()
