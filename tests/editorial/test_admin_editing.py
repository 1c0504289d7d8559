"""The editors' admin: split tools with confirmation, review queue, tags, rights."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.ingest import autotag
from articles.models import (
    Article,
    ArticleTag,
    RemovedTag,
    Tag,
    TagAlias,
)

from ..factories import import_one
from ..rawfiles import ARTICLE_ONE, chrome

pytestmark = pytest.mark.django_db


def edit_url(article: Article, operation: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("admin:articles_article_edit", args=[article.pk, operation]) + f"?{query}"


def test_the_change_page_offers_the_split_tools(client, editor, digest):
    zhipu, deepseek = digest.articles.order_by("position")
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[zhipu.pk])).content.decode()
    third = zhipu.sections.get(position=3)
    assert edit_url(zhipu, "split", section=third.pk) in html
    assert reverse("admin:articles_article_edit", args=[zhipu.pk, "merge"]) in html
    assert edit_url(zhipu, "move-down", section=third.pk) in html
    assert edit_url(zhipu, "to-paragraph", section=third.pk) in html
    assert "设为标题" in html  # the admin speaks the site's language, Chinese


def test_the_split_tools_are_separate_buttons(client, editor, digest):
    zhipu, _ = digest.articles.order_by("position")
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[zhipu.pk])).content.decode()
    tools = re.search(r'<fieldset class="[^"]*split-tools.*?</fieldset>', html, re.S).group()
    links = re.findall(r"<a\b[^>]*>", tools)
    # split, to-paragraph and make-heading on sections 2 and 3, move-down on the last
    assert len(links) >= 8
    for link in links:
        assert 'class="button' in link, link
    # Apart in the text too: never two links side by side without a space.
    assert not re.search(r"</a>\S*<a\b", tools)
    # The tools of one section are one labelled group.
    assert tools.count('role="group"') == 2  # the lead has none


def test_the_split_preview_marks_the_new_article(client, editor, digest):
    zhipu, deepseek = digest.articles.order_by("position")
    client.force_login(editor)
    split = edit_url(zhipu, "split", section=zhipu.sections.get(position=3).pk)
    html = client.get(split).content.decode()
    kept, new = re.findall(r'<section class="module edit-preview.*?</section>', html, re.S)
    assert "edit-preview-new" in new and "edit-preview-new" not in kept
    # Words, not colour alone, say which part becomes the new article.
    assert "新文章" in new and "新文章" not in kept
    assert re.search(r"新文章的标题.*二、压缩方法的细节", new, re.S)
    assert re.search(r"新文章的正文.*低秩矩阵", new, re.S)
    assert "智谱开源新模型" in kept and "低秩矩阵" not in kept
    # A section moving to a neighbour makes nothing new.
    move = edit_url(zhipu, "move-down", section=zhipu.sections.get(position=3).pk)
    assert "edit-preview-new" not in client.get(move).content.decode()


def test_the_tools_speak_english_to_an_editor_who_asks_for_it(client, editor, digest):
    _, deepseek = digest.articles.order_by("position")
    client.force_login(editor)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    change = reverse("admin:articles_article_change", args=[deepseek.pk])
    assert "Make heading" in client.get(change, **english).content.decode()
    merge = reverse("admin:articles_article_edit", args=[deepseek.pk, "merge"])
    refused = client.post(merge, follow=True, **english).content.decode()
    assert "This is the last article of its digest" in refused
    assert "设为标题" not in client.get(change, **english).content.decode()


def test_a_split_is_previewed_then_applied_and_logged(client, editor, digest):
    zhipu, _ = digest.articles.order_by("position")
    client.force_login(editor)
    url = edit_url(zhipu, "split", section=zhipu.sections.get(position=3).pk)
    preview = client.get(url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "二、压缩方法的细节" in html and "是的，执行" in html
    assert digest.articles.count() == 2  # nothing changed yet

    response = client.post(url)
    assert response.status_code == 302
    assert digest.articles.count() == 3
    assert LogEntry.objects.filter(
        object_id=str(zhipu.pk), change_message__contains="处拆分"
    ).exists()
    # The public page shows the change.
    new = digest.articles.get(position=2)
    assert "低秩矩阵" in client.get(new.get_absolute_url()).content.decode()
    assert "低秩矩阵" not in client.get(zhipu.get_absolute_url()).content.decode()


def test_a_refused_edit_says_why(client, editor, digest):
    _, deepseek = digest.articles.order_by("position")
    client.force_login(editor)
    url = reverse("admin:articles_article_edit", args=[deepseek.pk, "merge"])
    assert "这是所在摘要的最后一篇文章" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "这是所在摘要的最后一篇文章" in response.content.decode()
    assert (
        client.get(reverse("admin:articles_article_edit", args=[deepseek.pk, "nope"])).status_code
        == 404
    )


def test_the_source_page_shows_the_split_view(client, editor, digest):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_source_change", args=[digest.pk])).content.decode()
    for n, article in enumerate(digest.articles.order_by("position")):
        link = reverse("admin:articles_article_change", args=[article.pk])
        assert f'<a class="span span-{n}" href="{link}"' in html
    assert '<span class="chrome">当前位置: 首页 &gt; news &gt;正文' in html


def test_unsure_articles_wait_in_the_review_queue(client, editor, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(chrome("#一篇很短的 就这样。 " + ARTICLE_ONE))
    import_one(path)
    short = Article.objects.get(position=1)
    assert {"code": "title_cut"} in short.review_reasons
    assert any(r["code"] == "very_short" for r in short.review_reasons)
    client.force_login(editor)
    listing = client.get(reverse("admin:articles_article_changelist"), {"review": "needed"})
    assert list(listing.context["cl"].result_list) == [short]
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "mark_reviewed", "_selected_action": [short.pk]},
    )
    short.refresh_from_db()
    assert short.review_reasons == [] and short.edited


def test_bulk_tag_actions_and_removed_automatic_tags_stay_removed(client, editor, digest):
    zhipu, deepseek = digest.articles.order_by("position")
    changelist = reverse("admin:articles_article_changelist")
    client.force_login(editor)
    form = client.post(
        changelist, {"action": "add_tag", "_selected_action": [zhipu.pk, deepseek.pk]}
    )
    assert "tag" in form.context["form"].fields
    assert "添加标签：以下 2 篇文章：" in form.content.decode()
    done = client.post(
        changelist,
        {
            "action": "add_tag",
            "_selected_action": [zhipu.pk, deepseek.pk],
            "apply": "1",
            "tag": "开源",
        },
        follow=True,
    )
    assert "已为 2 篇文章添加标签“开源”。" in done.content.decode()
    assert set(Article.objects.filter(tags__name="开源")) == {zhipu, deepseek}

    moe = Tag.objects.create(name="MoE")
    assert autotag.apply(deepseek, ["MoE"], {"MoE": moe.pk}) == (1, 0)
    client.post(
        changelist,
        {"action": "remove_tag", "_selected_action": [deepseek.pk], "apply": "1", "tag": "moe"},
    )
    assert not ArticleTag.objects.filter(article=deepseek, tag=moe).exists()
    assert RemovedTag.objects.filter(article=deepseek, tag=moe).exists()
    assert autotag.apply(deepseek, ["MoE"], {"MoE": moe.pk}) == (0, 0)  # never put back


def test_removing_an_automatic_tag_inline_is_remembered(client, editor, digest):
    zhipu, _ = digest.articles.order_by("position")
    tag = Tag.objects.create(name="智谱")
    autotag.apply(zhipu, ["智谱"], {"智谱": tag.pk})
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[zhipu.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(status=zhipu.status, published_on=zhipu.published_on.isoformat())
    tagging = ArticleTag.objects.get(article=zhipu)
    data.update(
        {
            "articletag_set-TOTAL_FORMS": "1", "articletag_set-INITIAL_FORMS": "1",
            "articletag_set-0-id": tagging.pk, "articletag_set-0-article": zhipu.pk,
            "articletag_set-0-tag": tag.pk, "articletag_set-0-DELETE": "on",
        }
    )  # fmt: skip
    for prefix, related in (("sections", zhipu.sections), ("links", zhipu.links)):
        rows = list(related.order_by("position"))
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-article"] = zhipu.pk
            data[f"{prefix}-{i}-position"] = row.position
            for field in ("heading", "anchor", "body", "url"):
                if hasattr(row, field):
                    data[f"{prefix}-{i}-{field}"] = getattr(row, field)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert not zhipu.tags.exists()
    assert RemovedTag.objects.filter(article=zhipu, tag=tag).exists()


def test_tags_merge_and_rename_keep_every_name(client, editor, digest):
    zhipu, deepseek = digest.articles.order_by("position")
    step, stepfun = Tag.objects.create(name="阶跃星辰"), Tag.objects.create(name="StepFun")
    ArticleTag.objects.create(article=zhipu, tag=step)
    ArticleTag.objects.create(article=zhipu, tag=stepfun)
    ArticleTag.objects.create(article=deepseek, tag=stepfun)
    client.force_login(editor)
    changelist = reverse("admin:articles_tag_changelist")
    client.post(
        changelist,
        {
            "action": "merge_tags",
            "_selected_action": [step.pk, stepfun.pk],
            "apply": "1",
            "into": step.pk,
        },
    )
    assert not Tag.objects.filter(name="StepFun").exists()
    assert set(step.articles.all()) == {zhipu, deepseek}
    assert Tag.objects.named("stepfun").get() == step

    client.post(
        reverse("admin:articles_tag_change", args=[step.pk]),
        {
            "name": "阶跃", "slug": step.slug, "kind": "org", "automatic": "on",
            "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    step.refresh_from_db()
    assert step.name == "阶跃"
    assert set(TagAlias.objects.filter(tag=step).values_list("name", flat=True)) == {
        "StepFun",
        "阶跃星辰",
    }


def test_only_staff_reach_the_admin_and_editors_cannot_manage_users(client, alice, editor):
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(editor)
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert not editor.has_perm("auth.change_user")


def test_the_editors_group_has_exactly_the_editing_rights():
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert all(app == "articles" for app, _ in codenames)
    names = {c for _, c in codenames}
    assert {"change_article", "add_article", "delete_article", "change_section"} <= names
    assert {"change_tag", "add_tagalias", "delete_articletag", "view_source"} <= names
    assert "delete_source" not in names and "add_source" not in names
