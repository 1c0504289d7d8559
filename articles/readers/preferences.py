"""What a reader chooses about how pages look, kept in cookies so that it
holds without an account."""

# "compact": lists show titles only; absent: titles with summaries.
LIST_VIEW_COOKIE = "list_view"
