"""The admin's "Restore from the original" (issue #21, point 1): fetch, a
per-article diff, the editor's ticks, one logged transaction."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.editorial.restoring import diff_html
from articles.ingest.alignment import Op, Piece
from articles.lib.markup import paragraphs_to_markdown
from articles.models import Article, Source
from tests.factories import make_article
from tests.ingest.test_alignment import mangle
from tests.origin_site import DIGEST, SECOND, SECOND_TITLE, TITLE, Handler, mangled_digest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local")]


def restore_url(source: Source) -> str:
    return reverse("admin:articles_source_restore", args=[source.pk])


def ticks(html: str) -> dict[int, bool]:
    """The article checkboxes of the preview: id -> ticked."""
    return {
        int(m.group(2)): "checked" in m.group(0)
        for m in re.finditer(r'<input type="checkbox" name="article"( )?value="(\d+)"[^>]*>', html)
    }


def fingerprints(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(fingerprint-\d+)" value="([0-9a-f]+)"', html))


def levels(response) -> list[str]:
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def test_the_source_and_article_pages_link_to_the_restore(client, editor, origin):
    source, first, _ = mangled_digest(f"{origin}/digest")
    client.force_login(editor)

    for page in [
        reverse("admin:articles_source_change", args=[source.pk]),
        reverse("admin:articles_article_change", args=[first.pk]),
    ]:
        assert f'href="{restore_url(source)}"' in client.get(page).content.decode()


def test_the_preview_fetches_nothing_until_asked(client, editor, origin):
    source, _, _ = mangled_digest(f"{origin}/digest")
    client.force_login(editor)

    html = client.get(restore_url(source)).content.decode()

    assert Handler.requests == []
    assert 'name="fetch"' in html and 'name="apply"' not in html
    assert f'href="{origin}/digest"' in html


def test_an_editor_fetches_previews_and_applies_the_restore(client, editor, origin):
    source, first, second = mangled_digest(f"{origin}/digest")
    client.force_login(editor)

    fetched = client.post(restore_url(source), {"fetch": "1"})

    assert fetched.status_code == 302 and fetched.url == restore_url(source)
    assert Handler.requests == ["/digest"]
    source.refresh_from_db()
    assert source.original_html == DIGEST

    html = client.get(restore_url(source)).content.decode()
    assert Handler.requests == ["/digest"]  # the preview reads the stored copy
    assert ticks(html) == {first.pk: True, second.pk: True}
    assert "<ins>：</ins>" in html and "<ins>？</ins>" in html  # the title's, restored
    assert "门诊病历。<del>␣</del><ins>¶\n\n</ins>信息科" in html  # the lead's two paragraphs
    assert re.search(r"标点 \d+ 处，分段 \d+ 处", html)  # what it gets back, counted
    assert first.title == mangle(TITLE)

    applied = client.post(
        restore_url(source),
        {"apply": "1", "article": [first.pk, second.pk], **fingerprints(html)},
    )

    assert applied.status_code == 302
    assert applied.url == reverse("admin:articles_source_change", args=[source.pk])
    assert levels(applied) == ["success"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, second.title) == (TITLE, SECOND_TITLE)
    assert first.restored_at and not first.edited
    entries = LogEntry.objects.filter(user=editor, object_id__in=[str(first.pk), str(second.pk)])
    assert entries.count() == 2


def test_an_edited_article_is_shown_unticked_and_restored_only_when_ticked(client, editor, origin):
    source, first, second = mangled_digest(f"{origin}/digest", edited=True)
    client.force_login(editor)
    client.post(restore_url(source), {"fetch": "1"})
    html = client.get(restore_url(source)).content.decode()
    assert ticks(html) == {first.pk: False, second.pk: True}
    prints = fingerprints(html)

    client.post(restore_url(source), {"apply": "1", "article": [second.pk], **prints})

    first.refresh_from_db()
    assert first.title == mangle(TITLE) and first.restored_at is None

    client.post(restore_url(source), {"apply": "1", "article": [first.pk], **prints})

    first.refresh_from_db()
    assert first.title == TITLE and first.restored_at


def test_an_article_changed_since_the_preview_is_left_alone(client, editor, origin):
    source, first, second = mangled_digest(f"{origin}/digest")
    client.force_login(editor)
    client.post(restore_url(source), {"fetch": "1"})
    html = client.get(restore_url(source)).content.decode()
    # Another editor fixes a section of the first article meanwhile.
    section = first.sections.get(position=2)
    section.body = section.body.replace("医院", "医院，", 1)
    section.save()

    applied = client.post(
        restore_url(source),
        {"apply": "1", "article": [first.pk, second.pk], **fingerprints(html)},
    )

    assert applied.url == restore_url(source)  # back to the preview, to look again
    assert levels(applied) == ["success", "warning"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.restored_at is None and second.title == SECOND_TITLE


def test_a_page_that_cannot_be_fetched_is_said_and_nothing_is_kept(client, editor, origin):
    source, _, _ = mangled_digest(f"{origin}/missing")
    client.force_login(editor)

    response = client.post(restore_url(source), {"fetch": "1"}, follow=True)

    assert levels(response) == ["error"]
    assert "404" in response.content.decode()
    source.refresh_from_db()
    assert source.original_html == ""


def test_the_wrong_page_is_refused_article_by_article(client, editor, origin):
    source, first, _ = mangled_digest(f"{origin}/wrong")
    client.force_login(editor)
    client.post(restore_url(source), {"fetch": "1"})

    html = client.get(restore_url(source)).content.decode()

    assert ticks(html) == {} and 'name="apply"' not in html
    assert html.count('class="restore-status"') == 2

    client.post(restore_url(source), {"apply": "1", "article": [first.pk]})
    first.refresh_from_db()
    assert first.restored_at is None


def test_a_source_without_an_origin_says_so(client, editor):
    source, _, _ = mangled_digest("")
    client.force_login(editor)

    response = client.get(restore_url(source))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errornote"' in html and 'name="fetch"' not in html
    assert client.post(restore_url(source), {"apply": "1"}).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"apply": "1", "article": ["x", "-1", "9" * 30, "1e3"], "fingerprint-1": "zz"},
        {"apply": "1", "article": "\x00"},
        {"fetch": "\x00" * 10},
        {},
    ],
)
def test_hostile_forms_give_a_normal_answer(client, editor, origin, data):
    source, first, _ = mangled_digest(f"{origin}/digest")
    source.original_html = DIGEST
    source.save()
    client.force_login(editor)

    response = client.post(restore_url(source), data)

    assert response.status_code in (200, 302)
    first.refresh_from_db()
    assert first.restored_at is None


def test_only_editors_restore(client, alice, editor, origin):
    source, _, _ = mangled_digest(f"{origin}/digest")
    url = restore_url(source)

    assert client.get(url).status_code == 302  # to the admin's login
    client.force_login(alice)
    assert client.post(url, {"fetch": "1"}).status_code == 302
    assert Handler.requests == []
    client.force_login(editor)
    assert client.get(reverse("admin:articles_source_restore", args=[10**12])).status_code == 404


def test_the_list_action_opens_the_preview_of_one_source(client, editor, origin):
    source, _, _ = mangled_digest(f"{origin}/digest")
    other, _, _ = mangled_digest(f"{origin}/digest")
    client.force_login(editor)
    changelist = reverse("admin:articles_source_changelist")

    one = client.post(
        changelist, {"action": "restore_from_original", "_selected_action": [source.pk]}
    )
    two = client.post(
        changelist,
        {"action": "restore_from_original", "_selected_action": [source.pk, other.pk]},
    )

    assert one.status_code == 302 and one.url == restore_url(source)
    assert two.status_code == 302 and two.url.startswith(changelist)
    assert levels(two) == ["warning"]


def test_the_diff_escapes_the_imported_text_and_shows_breaks():
    html = diff_html(
        [
            Piece(Op.EQUAL, "<script>x</script>"),
            Piece(Op.DELETE, " "),
            Piece(Op.INSERT, "，"),
            Piece(Op.INSERT, "\n\n"),
            Piece(Op.INSERT, "\n"),
            Piece(Op.INSERT, "<b>"),
        ]
    )

    assert html == (
        "&lt;script&gt;x&lt;/script&gt;<del>␣</del><ins>，</ins><ins>¶\n\n</ins>"
        "<ins>↵\n</ins><ins>&lt;b&gt;</ins>"
    )


def test_the_preview_shows_refused_and_unchanged_articles_as_such(client, editor, origin):
    source, first, second = mangled_digest(f"{origin}/digest")
    second.sections.update(body="这一段在原文里找不到，完全是另外的内容，说的是天气和交通。")
    Article.objects.filter(pk=first.pk).update(title=TITLE)  # already restored by hand
    source.original_html = DIGEST
    source.save()
    client.force_login(editor)

    html = client.get(restore_url(source)).content.decode()

    assert ticks(html) == {first.pk: True}  # its sections still change
    assert html.count('class="restore-status"') == 1  # the second: refused, with its coverage
    assert re.search(r'class="restore-status">[^<]*\d+%', html)


def test_the_article_list_filters_restored_articles(client, editor, origin):
    source, first, second = mangled_digest(f"{origin}/digest")
    Article.objects.filter(pk=first.pk).update(restored_at="2026-12-06T00:00:00Z")
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")

    restored = client.get(changelist, {"restored_at__isempty": "0"}).content.decode()
    not_restored = client.get(changelist, {"restored_at__isempty": "1"}).content.decode()

    change = "admin:articles_article_change"
    assert reverse(change, args=[first.pk]) in restored
    assert reverse(change, args=[second.pk]) not in restored
    assert reverse(change, args=[second.pk]) in not_restored
    assert reverse(change, args=[first.pk]) not in not_restored


def test_the_preview_costs_the_same_queries_for_two_articles_or_six(client, editor, origin):
    client.force_login(editor)

    def queries(more: int) -> int:
        source, _, _ = mangled_digest(f"{origin}/digest")
        body = paragraphs_to_markdown([mangle(" ".join(SECOND))])
        for n in range(more):
            make_article(f"{mangle(SECOND_TITLE)}{n}", [("", body), ("小结", body)], source=source)
        source.original_html = DIGEST
        source.save()
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(restore_url(source)).content.decode()
        assert html.count('class="module restore-article') == 2 + more
        return len(ctx.captured_queries)

    assert queries(0) == queries(4)
