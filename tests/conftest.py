from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.origin_site import allow_local, origin  # noqa: F401 (fixtures for every test)

ROOT = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"
SHARED_EXAMPLE = SHARED_SAMPLES / "000_653ea55730d70bb6.txt"
# Why tests of the shared example skip: a new user's clone has nothing beside it.
NO_SHARED = "../shared/samples is not beside this checkout (a fresh clone has none)"
PROJECT_SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def alice(django_user_model):
    """A reader."""
    return django_user_model.objects.create_user("alice", "alice@example.com", "password")


@pytest.fixture
def bob(django_user_model):
    """Another reader."""
    return django_user_model.objects.create_user("bob", "bob@example.com", "password")


@pytest.fixture
def editor(django_user_model):
    """A member of the Editors group (not a superuser): the rights editors get."""
    user = django_user_model.objects.create_user("ed", "ed@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def eve(django_user_model):
    """An editor."""
    return django_user_model.objects.create_superuser("eve", "eve@example.com", "password")


@pytest.fixture(autouse=True)
def _without_vocabulary(request):
    """Tests start without the shipped tag vocabulary (a data migration), so
    the tags they see are the ones they make; those about automatic tagging
    ask for it with ``@pytest.mark.vocabulary``."""
    if request.node.get_closest_marker("django_db") is None:
        return
    if request.node.get_closest_marker("vocabulary") is not None:
        return
    from articles.models import Tag

    Tag.objects.all().delete()


@pytest.fixture
def digest(tmp_path):
    """Two imported articles: 智谱 (lead + 2 headed sections), DeepSeek (lead + 2)."""
    from articles.models import Source

    from .factories import import_one
    from .rawfiles import ARTICLE_ONE, ARTICLE_TWO, chrome

    path = tmp_path / "d.txt"
    path.write_text(chrome(f"{ARTICLE_ONE} {ARTICLE_TWO}"))
    import_one(path)
    return Source.objects.get()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing passwords the production way takes a good part of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Kept pages of one test are not another's: the content version can
    repeat when each test's transaction is rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
