"""Downloader middleware: a story that redirects to another site is recorded, not lost.

Scrapy's offsite filter drops a redirect to a host the crawl was not given, silently (a DEBUG
line), so a story that moved to another domain would leave no trace in the archive. For
article requests this middleware stops such a redirect before RedirectMiddleware follows it;
the 3xx answer then reaches the spider, which records a failed capture naming the target.
"""

from __future__ import annotations

from urllib.parse import urljoin

from archiver.normalize import site_of


class OffsiteRedirectMiddleware:
    """Keep article requests from following redirects to another site (see module doc)."""

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location and "archiver_source" in request.meta):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        if site_of(target) != site_of(request.url):
            request.meta["dont_redirect"] = True  # RedirectMiddleware runs after us
        return response
