from __future__ import annotations

from html.parser import HTMLParser

import pytest

from articles.lib.markup import escape_markdown, paragraphs_to_markdown, render_markdown


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="http://x.example" onclick="alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
        "<svg><script>alert(1)</script></svg>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_no_markup_from_the_source_can_run(hostile):
    elements = Elements()
    elements.feed(render_markdown(hostile))
    for tag, attrs in elements.found:
        assert tag in {"p", "a"}
        for name, value in attrs:
            assert name in {"href", "rel"}
            assert not (value or "").lower().startswith("javascript")


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def test_links_are_kept_and_marked_nofollow():
    html = render_markdown("看 <https://arxiv.org/abs/2501.00001> 和 www.example.com")
    assert '<a href="https://arxiv.org/abs/2501.00001" rel="nofollow noopener">' in html
    assert '<a href="http://www.example.com" rel="nofollow noopener">' in html


def test_bare_urls_become_links_outside_code_and_links_only():
    html = render_markdown(
        "见https://example.com/a?b=1项目 `https://code.example` [文字 https://in.example](https://x.example)"
    )
    assert '<a href="https://example.com/a?b=1" rel="nofollow noopener">' in html
    assert "<code>https://code.example</code>" in html
    assert html.count("<a ") == 2  # no link inside a link


def test_images_and_raw_html_never_reach_the_page():
    html = render_markdown('![tracker](https://t.example/p.png) <b onclick="x">粗</b>')
    assert "<img" not in html and "<b" not in html
    assert "&lt;b onclick" in html  # shown as the text it is


def test_plain_text_reads_as_itself():
    text = "1. 不是列表 *不是强调* <b>不是粗体</b> # 不是标题 f_G [x](y) R&D"
    html = render_markdown(escape_markdown(text))
    assert html == (
        "<p>1. 不是列表 *不是强调* &lt;b&gt;不是粗体&lt;/b&gt; # 不是标题 f_G [x](y) R&amp;D</p>"
    )


def test_paragraphs_become_paragraphs_with_autolinks():
    md = paragraphs_to_markdown(
        ["论文链接 https://arxiv.org/abs/2501.00001 之后", "第二段"],
        ["https://arxiv.org/abs/2501.00001"],
    )
    assert md == "论文链接 <https://arxiv.org/abs/2501.00001> 之后\n\n第二段"
    assert render_markdown(md).count("<p>") == 2
