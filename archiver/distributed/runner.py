"""Project settings for the crawls the `archiver` command starts in-process."""

from __future__ import annotations

import os

from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings


def project_settings(overrides: dict | None = None) -> Settings:
    """archiver/settings.py, wherever the command is run from, with `overrides` on top."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "archiver.settings")
    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings
