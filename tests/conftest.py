from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"
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
def eve(django_user_model):
    """An editor."""
    return django_user_model.objects.create_superuser("eve", "eve@example.com", "password")
