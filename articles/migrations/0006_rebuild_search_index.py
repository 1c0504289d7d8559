"""The search index folds Traditional Chinese into Simplified (``開源`` is
``开源``): an index made before holds the old tokens and is rebuilt.

Nothing happens in here. ``rebuilds_search_index`` asks
``articles.search.index.rebuild_after_migrate`` to rebuild once ``migrate``
has finished, on the final schema and with the tokens of the code that runs
it; a later change of the tokens adds another migration like this one.
Reversing it changes nothing: the index is derived data.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_reading_state")]

    operations = []

    rebuilds_search_index = True
