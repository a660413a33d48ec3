"""Tech-news archiver: extraction, change detection and versioned storage for crawled stories.

The extractor is `archiver.extract.extract` (the package `archiver.extract` keeps its own
name, so that its modules, `archiver.extract.metadata` among them, can be imported)."""

from archiver.article import Article

__all__ = ["Article"]
