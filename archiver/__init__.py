"""Tech-news archiver: extraction, change detection and versioned storage for crawled stories."""

from archiver.article import Article
from archiver.extract import extract

__all__ = ["Article", "extract"]
