"""The app's models, one module per capability."""

from articles.models.readers import (
    Bookmark,
    ReadingList,
    ReadingListItem,
    ReadMark,
    new_list_token,
)
from articles.models.sources import (
    Appearance,
    Article,
    ArticleQuerySet,
    ArticleSketch,
    Link,
    Section,
    SketchEntry,
    Source,
)
from articles.models.tags import ArticleTag, RemovedTag, Tag, TagAlias, TagQuerySet, remove_tag
from articles.models.versions import ContentVersion

__all__ = [
    "Appearance",
    "Article",
    "ArticleQuerySet",
    "ArticleSketch",
    "ArticleTag",
    "Bookmark",
    "ContentVersion",
    "Link",
    "ReadingList",
    "ReadingListItem",
    "ReadMark",
    "RemovedTag",
    "Section",
    "SketchEntry",
    "Source",
    "Tag",
    "TagAlias",
    "TagQuerySet",
    "new_list_token",
    "remove_tag",
]
