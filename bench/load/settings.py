"""The app's settings plus a bare "hello" view, for the load benchmark's ratio."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "urls"
