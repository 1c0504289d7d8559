"""Which source URLs may become links, and the site they name."""

from __future__ import annotations

import pytest

from articles.lib.links import site_of, web_url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "mailto:a@example.com",
        "//evil.example/x",
        "http://",
        "http://[::1",
        "example.com/no-scheme",
        "",
    ],
)
def test_it_refuses_anything_but_a_web_address(url):
    assert web_url(url) == ""
    assert site_of(url) == ""


def test_it_keeps_web_addresses_and_names_their_site():
    assert web_url("HTTPS://www.Example.com/a?b=1") == "HTTPS://www.Example.com/a?b=1"
    assert site_of("HTTPS://www.Example.com/a?b=1") == "example.com"
    assert site_of("http://mp.weixin.qq.com/s/abc") == "mp.weixin.qq.com"
