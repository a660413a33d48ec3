"""What a site is: one definition for the archive, the offsite filter and the spider.

A site is a registered domain (the part a publisher buys: `example.com`, `bbc.co.uk`,
`someone.github.io`), so `www.example.com`, `example.com` and `news.example.com` are one
site. An explicit port stays part of the site (two servers on one host are two sites); a host
with no public suffix (an IP address, `localhost`) is its own site. Public suffixes come from
the snapshot bundled with tldextract: never fetched, so a crawl never reaches out for them.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _extractor():
    """tldextract with no suffix-list URLs and no cache directory: the bundled snapshot only,
    nothing fetched or written. Built on first use (importing it costs ~0.4 s)."""
    from tldextract import TLDExtract

    return TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=4096)
def domain_of_host(host: str) -> str:
    """The registered domain of a host name; the host itself (less `www.`) when it has none."""
    host = host.lower().rstrip(".")
    registered = _extractor()(host).top_domain_under_public_suffix
    if registered:
        return registered
    return host[4:] if host.startswith("www.") else host


def domain_of(url: str) -> str:
    """The registered domain of a URL, without port: what Scrapy's `allowed_domains` takes."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return ""
    return domain_of_host(host) if host else ""


@lru_cache(maxsize=4096)  # (asked several times for each page a crawl handles)
def site_of(url: str) -> str:
    """The site a URL belongs to: its registered domain, and its port when one is given."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    site = domain_of_host(parts.hostname)
    return f"{site}:{port}" if port and port != default else site


def same_site(a: str, b: str) -> bool:
    return site_of(a) == site_of(b)
