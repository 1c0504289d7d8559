from __future__ import annotations

from django import forms

from articles.lib.ids import MAX_ID
from articles.lib.text import without_nul
from articles.search import BEST, NEWEST
from articles.search.text import MAX_QUERY_LENGTH


class QueryText(forms.CharField):
    """Free text that no content can make invalid: NULs become spaces and
    overlong text is cut, since the search ignores both anyway."""

    def __init__(self, *, max_length: int, **kwargs) -> None:
        self.cut_at = max_length
        super().__init__(required=False, strip=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = without_nul(value, " ")[: self.cut_at]
        return super().to_python(value)


class TagNames(forms.Field):
    """``?tag=a&tag=b``: every tag must match. Values are cleaned like
    QueryText; empty ones are dropped, and more than MAX_TAGS is refused."""

    widget = forms.MultipleHiddenInput
    MAX_TAGS = 10

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        names = [" ".join(without_nul(str(v), " ").split())[:100] for v in value]
        return list(dict.fromkeys(n for n in names if n))

    def validate(self, value: list[str]) -> None:
        if len(value) > self.MAX_TAGS:
            raise forms.ValidationError(f"At most {self.MAX_TAGS} tags.", code="max_tags")


class SearchForm(forms.Form):
    """What every listing accepts in its query string."""

    q = QueryText(max_length=MAX_QUERY_LENGTH)
    tag = TagNames(required=False)
    digest = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    order = forms.ChoiceField(required=False, choices=[(BEST, BEST), (NEWEST, NEWEST)])
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    mine = forms.BooleanField(required=False)  # only my bookmarks
    unread = forms.BooleanField(required=False)  # only what I have not read
    paper = forms.BooleanField(required=False)  # only articles with a paper
    code = forms.BooleanField(required=False)  # only articles with code

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["q"],
            "tags": data["tag"],
            "source": data["digest"],
            "order": data["order"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "page": data["page"] or 1,
            "links": [kind for kind in ("paper", "code") if data[kind]],
        }
