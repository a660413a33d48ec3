"""Tech-news archiver: extraction, change detection and versioned storage for crawled stories.

`archiver.extract` is the extractor function, imported on first use so that commands which
never extract (the whole `archiver` CLI) start without loading it.
"""

import sys
import types

from archiver.article import Article

__all__ = ["Article", "extract"]


class _Package(types.ModuleType):
    @property
    def extract(self):
        from archiver.extract import extract

        return extract

    @extract.setter
    def extract(self, submodule) -> None:
        """Importing the `archiver.extract` package records it here; the name stays the
        function (the package is `sys.modules['archiver.extract']`)."""


sys.modules[__name__].__class__ = _Package
