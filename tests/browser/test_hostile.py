"""Imported hostile text is shown as text: no script it carries ever runs."""

from __future__ import annotations

import pytest

from articles.models import Article

from ..factories import import_one
from ..rawfiles import chrome
from ..views.test_hostile import HOSTILE_ARTICLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_script_from_an_imported_article_runs(page, live_server, tmp_path):
    path = tmp_path / "evil.txt"
    path.write_text(chrome(HOSTILE_ARTICLE))
    import_one(path)
    article = Article.objects.get(title__startswith="恶意文章")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in [
        article.get_absolute_url(),
        "/?q=脚本",
        "/?q=%3Cscript%3Ewindow.__xss%3D9%3C%2Fscript%3E",
        article.source.get_absolute_url(),
    ]:
        page.goto(live_server.url + url)
        for link in page.locator("a[href^='javascript']").all():
            link.click()  # there should be none; if there were, this would run it
        assert page.evaluate("window.__xss") is None, url
        assert page.locator("iframe, img[onerror]").count() == 0, url
    assert dialogs == []
    # The text is there, escaped, for a reader to see.
    page.goto(live_server.url + article.get_absolute_url())
    assert "<script>window.__xss=3</script>" in page.locator("article.article").inner_text()
