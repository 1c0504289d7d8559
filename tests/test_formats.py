"""Every kind of raw file split as a careful reader would: the project's own
fixtures (tests/fixtures/formats, one per trap, each with its split written
by hand) and, when ../shared is there, two real files of other shapes."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from articles.ingest.formats import detect
from articles.parsing import Format, parse

from .conftest import FIXTURES, NO_SHARED, SHARED_SAMPLES

FORMATS = FIXTURES / "formats"
REAL = SHARED_SAMPLES / "real"
CASES = sorted(FORMATS.glob("*.expected.json"))
GLOSS = re.compile(r"\([a-zü\u00e0-\u01dc]+\)")


def norm(text: str) -> str:
    """The expected files' comparison rule, written out independently."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS"
    )


def body_of(article) -> str:
    return " ".join(f"{s.heading} {' '.join(s.paragraphs)}" for s in article.sections)


def first_paragraph(article) -> str:
    return next((p for s in article.sections for p in s.paragraphs), "")


def test_there_is_a_fixture_for_every_format():
    formats = {json.loads(case.read_text())["format"] for case in CASES}
    assert formats == {f.value for f in Format}
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_a_fixture_splits_as_written_by_hand(case):
    expected = json.loads(case.read_text())
    data = (FORMATS / expected["file"]).read_bytes()
    digest = parse(data)

    assert digest.format == expected["format"]
    assert detect(digest.text) == expected["format"] or expected["needs_review"]
    assert digest.origin_url == expected["origin_url"]
    assert digest.page_url == expected["page_url"]
    assert (digest.published_on and digest.published_on.isoformat()) == expected["published_on"]
    assert norm(digest.title) == norm(expected["digest_title"])
    titles = [a.title for a in digest.articles]
    assert [norm(t) for t in titles] == [norm(a["title"]) for a in expected["articles"]], titles
    for got, want in zip(digest.articles, expected["articles"], strict=True):
        what = want["title"]
        assert norm(got.subtitle) == norm(want["subtitle"]), what
        assert norm(got.byline) == norm(want["byline"]), what
        assert norm(first_paragraph(got)).startswith(norm(want["lead_starts"])), what
        assert [norm(s.heading) for s in got.sections if s.heading] == [
            norm(h) for h in want["headings"]
        ], what
        assert got.links == want["links"], what
        assert got.tags == want["tags"], what
        assert got.needs_review == expected["needs_review"], what
        body = norm(body_of(got))
        for sentence in want["body_contains"]:
            assert norm(sentence) in body, (what, sentence)
        everything = norm(f"{got.title} {got.subtitle} {body_of(got)}")
        for spam in want["body_excludes"]:
            assert norm(spam) not in everything, (what, spam)
        # The span holds what the article was made of (pinyin glosses aside).
        span = GLOSS.sub("", digest.text[got.start : got.end])
        assert norm(want["body_contains"][0]) in norm(span), what


# -- the real files in ../shared/samples/real ----------------------------------

needs_real = pytest.mark.skipif(not REAL.exists(), reason=NO_SHARED)


@pytest.fixture
def real_expected():
    return json.loads((REAL / "expected.json").read_text())


@needs_real
def test_the_real_mirror_post_is_one_article_without_the_spam(real_expected):
    name = "01_mirror_zqtcl_news463087_excerpt.txt"
    want = real_expected[name]
    digest = parse((REAL / name).read_bytes())
    assert digest.format == Format.MIRROR_POST
    assert len(digest.articles) == want["count"]
    (article,) = digest.articles
    everything = norm(f"{article.title} {article.subtitle} {body_of(article)}")
    assert norm(want["body"]) in everything
    for spam in want["spam"]:
        assert norm(spam) not in everything, spam


@needs_real
def test_the_real_markdown_digest_is_one_article_per_item(real_expected):
    name = "04_juya_ai_daily_2026-02-22.txt"
    want = real_expected[name]["articles"]
    digest = parse((REAL / name).read_bytes())
    assert digest.format == Format.MARKDOWN_DIGEST
    assert [norm(a.title) for a in digest.articles] == [norm(w["title"]) for w in want]
    for got, expected in zip(digest.articles, want, strict=True):
        assert expected["link"] in got.links, got.title
    assert digest.published_on and digest.published_on.isoformat() == "2026-02-22"
