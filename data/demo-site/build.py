"""Write the demo sites from stories.py: `python data/demo-site/build.py`.

Three fictional tech-news sites, each with its own layout and the furniture real sites carry
(share bars with counts, ads, newsletter boxes, pull quotes, "Most Popular", comments...).
Output, per site: `base/` (the first state, every file), `later/` (only the files that change)
with a `.removed` list, and `manifest.json` for `archiver demo` and tests/test_demo.py.
The generated files are committed; rerun this after editing a story or a layout.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))
from stories import COMMENTS, STORIES, SUPPORT_LINE  # noqa: E402

BIOS = {
    "Dana Okafor": "Dana Okafor covers semiconductors and the companies that design and build them.",
    "Marcus Lindqvist": "Marcus Lindqvist writes about data centers, cloud hardware and AI infrastructure.",
    "Yuki Tanabe": "Yuki Tanabe reviews phones and reports on mobile chips from Tokyo.",
    "Renata Kowalczyk": "Renata Kowalczyk is Patchwire’s senior security reporter.",
    "Samir Haddad": "Samir Haddad covers data breaches, privacy and identity.",
    "Leila Brandt": "Leila Brandt covers apps, platforms and the cloud for Gigahertz Daily.",
    "Theo Vance": "Theo Vance covers tablets, laptops and the supply chain behind them.",
}
# Words that must never reach the archive, whatever the layout (checked by tests/test_demo.py).
BOILERPLATE = ["Skip to", "Jump to story", "Share this", "Advertisement", "Most Popular",
               "Sign up", "Subscribe", "Related", "All rights reserved", "Ledger Daily",
               "Patchwire Briefing", "Gigahertz Digest", "Tagged", "Tags:", "thoughts on",
               "Leave a Reply", "Comments (", "View all posts", "More stories by", "Photo:",
               "Photo by", "Image:", "Screenshot:", "Read more", "Updated 2 hours ago", "hours ago"]


def e(text: str) -> str:
    return escape(text, quote=True)


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def nice_date(iso: str) -> str:
    d = datetime.fromisoformat(iso)
    return f"{d:%B} {d.day}, {d.year}"


# One story in one state -----------------------------------------------------------------

def view(story: dict, later: bool) -> dict | None:
    """What the page shows of `story` in the base or later state (None: the page is gone)."""
    change = story["later"] if later else {}
    if change.get("removed"):
        return None
    paras = list(story["paras"])
    for i, text in change.get("edit", {}).items():
        paras[i] = text
    added = list(change.get("append", []))
    n = STORIES.index(story)
    return {
        **story,
        "title": change.get("title", story["title"]),
        "paras": paras + added,
        "bold_from": len(paras) if change.get("bold_marker") else None,
        "modified": story.get("modified_later", story["published"]) if later
        else story["published"],
        "shares": (1840 + 613 * n) if later else (212 + 97 * n),
        "ago": "1 day ago" if later else "2 hours ago",
        "ad": f"{'b' if later else 'a'}{n}-{7 * n % 5}",
        "comments": COMMENTS[: 2 + n % 3 + (3 if later else 0)],
    }


def body_html(v: dict) -> list[str]:
    """The story's paragraphs as <p> elements (the bold "Update:" style where asked)."""
    out = []
    for i, text in enumerate(v["paras"]):
        if v["bold_from"] is not None and i == v["bold_from"] and ":" in text:
            label, rest = text.split(":", 1)
            out.append(f"<p><strong>{e(label)}:</strong>{e(rest)}</p>")
        else:
            out.append(f"<p>{e(text)}</p>")
    return out


def weave(paras: list[str], extras: dict[int, str]) -> str:
    """Paragraphs with furniture inserted after the given paragraph numbers."""
    out = []
    for i, p in enumerate(paras):
        out.append(p)
        if i in extras:
            out.append(extras[i])
    return "\n    ".join(out)


def popular(site: str, later: bool) -> list[dict]:
    shown = [v for s in STORIES if s["site"] == site and (v := view(s, later))]
    return list(reversed(shown)) if later else shown


def comment_items(v: dict, item: str) -> str:
    return "\n".join(item.format(user=e(u), text=e(t), ago=f"{k + 1} hour{'s' if k else ''} ago")
                     for k, (u, t) in enumerate(v["comments"]))


def image(v: dict) -> str:
    """The lead photo's file name: from the URL slug, so a new headline keeps its photo."""
    return v["path"].strip("/").rsplit("/", 1)[-1]


def share_links(v: dict) -> str:
    url = f"__BASE__{v['path']}"
    return (f'<a href="https://twitter.com/intent/tweet?url={url}&amp;text={e(v["title"])}">X</a> '
            f'<a href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a> '
            f'<a href="https://www.linkedin.com/shareArticle?url={url}">LinkedIn</a> '
            f'<a href="mailto:?subject={e(v["title"])}&amp;body={url}">Email</a>')


def jsonld(v: dict, kind: str, publisher: str) -> str:
    data = {
        "@context": "https://schema.org", "@type": kind, "headline": v["title"],
        "description": v["dek"], "datePublished": v["published"], "dateModified": v["modified"],
        "author": [{"@type": "Person", "name": v["author"]}],
        "publisher": {"@type": "Organization", "name": publisher},
        "mainEntityOfPage": f"__BASE__{v['path']}", "image": f"__BASE__/img/{image(v)}.jpg",
        "keywords": v["tags"],
    }
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def head(v: dict, site_name: str, title_tag: str, kind: str) -> str:
    return f"""<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title_tag)}</title>
<meta name="description" content="{e(v['dek'])}">
<link rel="canonical" href="__BASE__{v['path']}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(site_name)}">
<meta property="og:title" content="{e(v['title'])}">
<meta property="og:description" content="{e(v['dek'])}">
<meta property="og:url" content="__BASE__{v['path']}">
<meta property="og:image" content="__BASE__/img/{image(v)}.jpg">
<meta property="article:published_time" content="{v['published']}">
<meta property="article:modified_time" content="{v['modified']}">
<meta property="article:section" content="{v['section'].title()}">
<meta name="twitter:card" content="summary_large_image">
<script type="application/ld+json">{jsonld(v, kind, site_name)}</script>"""


# The Circuit Ledger: a WordPress theme --------------------------------------------------

def ledger_article(v: dict, later: bool) -> str:
    tracking = "?utm_source=ledger&amp;utm_medium=related&amp;utm_campaign=onsite"
    related = [p for p in popular(v["site"], later) if p["path"] != v["path"]][:3]
    post_id = 48000 + 7 * STORIES.index(next(s for s in STORIES if s["path"] == v["path"]))
    extras = {
        1: f"<p>{e(SUPPORT_LINE)}</p>\n    <figure class=\"wp-block-pullquote\"><blockquote>"
           f"<p>{e(v['pull'])}</p><cite>{e(v['author'])}</cite></blockquote></figure>",
        2: f'<div class="ad-slot ad-inline" data-ad-unit="{v["ad"]}"><span class="ad-label">'
           f'Advertisement</span><div id="div-gpt-ad-{v["ad"]}"></div></div>',
        3: '<div class="newsletter-signup"><h3>Get Ledger Daily</h3><p>The chip industry’s '
           'biggest stories, in your inbox every weekday morning.</p><form action="/newsletter/">'
           '<input type="email" placeholder="you@example.com"><button>Sign up</button></form></div>',
    }
    tags = " ".join(f'<a href="/tag/{slug(t)}/" rel="tag">{e(t)}</a>' for t in v["tags"])
    tag_classes = " ".join(f"tag-{slug(t)}" for t in v["tags"])
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{head(v, "The Circuit Ledger", v["title"] + " – The Circuit Ledger", "NewsArticle")}
<link rel="alternate" type="application/rss+xml" title="The Circuit Ledger » Feed" href="__BASE__/feed.xml">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"postId": {post_id}}});</script>
</head>
<body class="post-template-default single single-post postid-{post_id} single-format-standard">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<div class="top-bar">{"Thursday, March 5" if later else "Wednesday, March 4"} · <a href="/newsletter/">Newsletters</a> · <a href="/subscribe/">Become a member</a></div>
<header id="masthead" class="site-header">
  <div class="site-branding"><p class="site-title"><a href="/" rel="home">The Circuit Ledger</a></p>
  <p class="site-description">Chips, devices and the companies that make them</p></div>
  <nav id="site-navigation" class="main-navigation"><ul class="menu">
    <li><a href="/chips/">Chips</a></li><li><a href="/devices/">Devices</a></li>
    <li><a href="/tag/ai/">AI</a></li><li><a href="/about/">About</a></li></ul></nav>
</header>
<div class="ad-slot ad-leaderboard" data-ad-unit="top-{v['ad']}"><span class="ad-label">Advertisement</span></div>
<div id="content" class="site-content">
<main id="primary" class="site-main">
<article id="post-{post_id}" class="post-{post_id} post type-post status-publish format-standard has-post-thumbnail hentry category-{v['section']} {tag_classes}">
  <header class="entry-header">
    <span class="cat-links"><a href="/{v['section']}/" rel="category tag">{v['section'].title()}</a></span>
    <h1 class="entry-title">{e(v['title'])}</h1>
    <p class="entry-summary">{e(v['dek'])}</p>
    <div class="entry-meta"><span class="byline">By <span class="author vcard"><a class="url fn n" href="/author/{slug(v['author'])}/">{e(v['author'])}</a></span></span>
      <span class="posted-on"><time class="entry-date published" datetime="{v['published']}">{nice_date(v['published'])}</time></span>
      <span class="time-ago">{v['ago']}</span></div>
  </header>
  <div class="share-buttons share-buttons--top"><span class="share-total">{v['shares']:,} shares</span> {share_links(v)}</div>
  <figure class="post-thumbnail"><img src="/wp-content/uploads/2026/03/{image(v)}.jpg" alt="" width="1200" height="675">
    <figcaption>{e(v['caption'])} <span class="photo-credit">{e(v['credit'])}</span></figcaption></figure>
  <div class="entry-content">
    {weave(body_html(v), extras)}
  </div>
  <footer class="entry-footer"><span class="tags-links">Tagged {tags}</span></footer>
  <div class="share-buttons share-buttons--bottom"><span class="share-title">Share this article</span> <span class="share-total">{v['shares']:,} shares</span> {share_links(v)}</div>
  <div class="author-bio"><img src="/img/authors/{slug(v['author'])}.jpg" alt="">
    <h2 class="author-title">About {e(v['author'])}</h2>
    <p class="author-description">{e(BIOS[v['author']])}</p>
    <a class="author-link" href="/author/{slug(v['author'])}/">View all posts by {e(v['author'])}</a></div>
</article>
<section class="related-posts"><h2>Related</h2><ul>
{"".join(f'<li><a href="{p["path"]}{tracking}">{e(p["title"])}</a></li>' for p in related)}
</ul></section>
<div id="comments" class="comments-area">
  <h2 class="comments-title">{len(v['comments'])} thoughts on “{e(v['title'])}”</h2>
  <ol class="comment-list">
{comment_items(v, '<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">{user}</b> <time>{ago}</time></footer><div class="comment-content"><p>{text}</p></div><a class="comment-reply-link" href="#respond">Reply</a></article></li>')}
  </ol>
  <div id="respond"><h3>Leave a Reply</h3><form><textarea></textarea><button>Post Comment</button></form></div>
</div>
</main>
<aside id="secondary" class="widget-area">
  <section class="widget widget_popular"><h2 class="widget-title">Most Popular</h2><ol>
{"".join(f'<li><a href="{p["path"]}">{e(p["title"])}</a></li>' for p in popular(v["site"], later))}
  </ol></section>
</aside>
</div>
<footer id="colophon" class="site-footer"><p>© 2026 The Circuit Ledger. All rights reserved.</p>
  <a href="/about/">About</a> <a href="/privacy/">Privacy policy</a> <a href="/advertise/">Advertise</a></footer>
</body>
</html>
"""


# Patchwire: a component-based CMS (BEM classes) -----------------------------------------

PATCHWIRE_COMMENT = ('<li class="c-comment"><p class="c-comment__author">{user} · {ago}</p>'
                     '<p class="c-comment__text">{text}</p></li>')

def patchwire_article(v: dict, later: bool) -> str:
    extras = {
        1: f'<blockquote class="c-pullquote"><p>“{e(v["pull"])}”</p></blockquote>',
        2: f'<div class="c-ad c-ad--inline" data-slot="{v["ad"]}"><p class="c-ad__label">Advertisement</p></div>',
        3: '<div class="c-inline-signup"><p class="c-inline-signup__title">Sign up for the Patchwire '
           'Briefing</p><p>Zero-days, breaches and patches, delivered Tuesdays and Fridays.</p>'
           '<form><input type="email" placeholder="Email address"><button>Subscribe</button></form></div>',
    }
    tags = "".join(f'<li><a class="c-tag" href="/tag/{slug(t)}">{e(t)}</a></li>' for t in v["tags"])
    more = [p for p in popular(v["site"], later) if p["path"] != v["path"]]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{head(v, "Patchwire", v["title"] + " | Patchwire", "ReportageNewsArticle")}
<link rel="alternate" type="application/atom+xml" href="__BASE__/atom.xml">
</head>
<body>
<a href="#main" class="c-skip">Skip to main content</a>
<header class="c-masthead">
  <a class="c-masthead__logo" href="/">Patchwire</a>
  <nav class="c-nav"><a href="/vulnerabilities/">Vulnerabilities</a> <a href="/breaches/">Breaches</a> <a href="/tag/policy">Policy</a> <a href="/about">About</a></nav>
  <a class="c-masthead__cta" href="/subscribe">Subscribe</a>
</header>
<div class="c-ad c-ad--leaderboard" data-slot="lb-{v['ad']}"><p class="c-ad__label">Advertisement</p></div>
<main id="main" class="l-main">
<article class="c-story">
  <div class="c-story__header">
    <a class="c-story__section" href="/{v['section']}/">{v['section'].title()}</a>
    <div class="c-story__kicker">{e(v['title'])}</div>
    <h1 class="c-story__headline">{e(v['title'])}</h1>
    <h2 class="c-story__dek">{e(v['dek'])}</h2>
    <div class="c-byline">By <a href="/author/{slug(v['author'])}">{e(v['author'])}</a>
      <span class="c-timestamp"><time datetime="{v['published']}">{nice_date(v['published'])}</time> · Updated {v['ago']}</span></div>
  </div>
  <div class="c-social c-social--top"><span class="c-social__count">{v['shares']}</span> {share_links(v)}</div>
  <figure class="c-lede-image"><img src="/img/{image(v)}.jpg" alt="{e(v['caption'])}">
    <figcaption>{e(v['caption'])} <cite>{e(v['credit'])}</cite></figcaption></figure>
  <div class="c-story__body">
    {weave(body_html(v), extras)}
  </div>
  <ul class="c-tags">{tags}</ul>
  <div class="c-social c-social--bottom"><p class="c-social__title">Share this story</p><span class="c-social__count">{v['shares']}</span> {share_links(v)}</div>
  <div class="c-author-card"><img src="/img/authors/{slug(v['author'])}.png" alt="">
    <p><strong>{e(v['author'])}</strong></p><p>{e(BIOS[v['author']])}</p>
    <a href="/author/{slug(v['author'])}">More stories by {e(v['author'])}</a></div>
</article>
<section class="c-comments" id="comments"><h2>Comments ({len(v['comments'])})</h2><ul>
{comment_items(v, PATCHWIRE_COMMENT)}
</ul><a class="c-comments__join" href="/login">Sign in to join the discussion</a></section>
<section class="c-more"><h2>Related stories</h2><ul>
{"".join(f'<li><a href="{p["path"]}?utm_source=patchwire&amp;utm_medium=more">{e(p["title"])}</a></li>' for p in more)}
</ul></section>
</main>
<div class="c-rail"><div class="c-popular"><h2>Most Popular</h2><ol>
{"".join(f'<li><a href="{p["path"]}">{e(p["title"])}</a></li>' for p in popular(v["site"], later))}
</ol></div></div>
<footer class="c-footer"><p>Patchwire is reader-supported security news.</p><p>© 2026 Patchwire Media. All rights reserved.</p>
  <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body>
</html>
"""


# Gigahertz Daily: an older hand-built layout with ids -----------------------------------

def gigahertz_article(v: dict, later: bool) -> str:
    extras = {
        1: f'<div class="pull">“{e(v["pull"])}”</div>',
        2: f'<div class="ad-container" id="ad-{v["ad"]}"><small>Advertisement</small></div>',
    }
    other = next(p for p in popular(v["site"], later) if p["path"] != v["path"])
    extras[3] = f'<p><strong>Read more:</strong> <a href="{other["path"]}">{e(other["title"])}</a></p>'

    tags = ", ".join(f'<a href="/tag/{slug(t)}/">{e(t)}</a>' for t in v["tags"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{head(v, "Gigahertz Daily", "Gigahertz Daily: " + v["title"], "NewsArticle")}
<link rel="alternate" type="application/rss+xml" href="__BASE__/rss.xml">
<style>#story .pull {{ font-size: 1.4em; }}</style>
</head>
<body>
<div id="page">
<a id="skip" href="#story">Jump to story</a>
<div id="masthead"><a href="/"><img src="/img/logo.png" alt="Gigahertz Daily"></a> <span class="tagline">Gadgets, apps and the cloud since 2009</span></div>
<nav id="topnav"><a href="/">Home</a> | <a href="/mobile/">Mobile</a> | <a href="/cloud/">Cloud</a> | <a href="/about/">About us</a></nav>
<div id="leaderboard" class="ad-container"><small>Advertisement</small></div>
<div id="wrap">
<div id="story" class="story-wrapper">
  <p class="breadcrumbs"><a href="/">Home</a> › <a href="/{v['section']}/">{v['section'].title()}</a></p>
  <h1>{e(v['title'])}</h1>
  <p class="kicker">{e(v['title'])}</p>
  <div class="meta">By <a href="/author/{slug(v['author'])}/">{e(v['author'])}</a> | {nice_date(v['published'])} | <span class="ago">{v['ago']}</span> | <a href="#comments">{len(v['comments'])} comments</a></div>
  <div class="sharebar">Share this: {share_links(v)} <span class="count">{v['shares']} shares</span></div>
  <div class="photo"><img src="/img/{image(v)}.jpg" alt=""><p class="caption">{e(v['caption'])}</p><p class="credit">{e(v['credit'])}</p></div>
  <div class="story-text">
    {weave(body_html(v), extras)}
  </div>
  <p class="tags">Tags: {tags}</p>
  <div class="sharebar">Share this: {share_links(v)} <span class="count">{v['shares']} shares</span></div>
  <div class="newsletter-box"><b>The Gigahertz Digest</b><br>Sign up for our free daily email. <form><input name="email"><input type="submit" value="Sign up"></form></div>
  <div class="about-author"><b>{e(v['author'])}</b> — {e(BIOS[v['author']])}</div>
  <div id="comments"><h3>{len(v['comments'])} comments</h3>
{comment_items(v, '<div class="comment"><span class="who">{user}</span> <span class="when">{ago}</span><p>{text}</p></div>')}
  </div>
  <div class="related"><h3>Related</h3><ul>
{"".join(f'<li><a href="{p["path"]}">{e(p["title"])}</a></li>' for p in popular(v["site"], later) if p["path"] != v["path"])}
  </ul></div>
</div>
<div id="sidebar"><h3>Most Popular</h3><ol>
{"".join(f'<li><a href="{p["path"]}?utm_source=gigahertz&amp;utm_medium=sidebar">{e(p["title"])}</a></li>' for p in popular(v["site"], later))}
</ol><div class="ad-container"><small>Advertisement</small></div></div>
</div>
<div id="footer">Copyright © 2009–2026 Gigahertz Daily. All rights reserved. <a href="/privacy/">Privacy</a> | <a href="/contact/">Contact</a></div>
</div>
</body>
</html>
"""


# Listings, feeds, sitemaps --------------------------------------------------------------

def listing(site: dict, later: bool, section: str | None) -> str:
    shown = [v for s in STORIES if s["site"] == site["dir"] and (v := view(s, later))
             and (section is None or v["section"] == section)]
    heading = section.title() if section else "Latest"
    items = "\n".join(
        f'<li class="card"><a href="{v["path"]}"><h2>{e(v["title"])}</h2></a><p>{e(v["dek"])}</p>'
        f'<p class="card-meta">By {e(v["author"])} · <span class="ago">{v["ago"]}</span></p></li>'
        for v in shown)
    nav = " ".join(f'<a href="/{s}/">{s.title()}</a>' for s in site["sections"])
    pitch = f"<p>{e(site['template_block'])}</p>" if site.get("template_block") else ""
    ranked = "".join(f'<li><a href="{p["path"]}">{e(p["title"])}</a></li>'
                     for p in popular(site["dir"], later))
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{heading} – {e(site['name'])}</title>
<link rel="canonical" href="__BASE__/{section + '/' if section else ''}"></head>
<body>
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header"><a href="/">{e(site['name'])}</a>
<nav>{nav} <a href="/about/">About</a> <a href="/tag/ai/">AI</a></nav></header>
<div class="ad-slot">Advertisement</div>
<main id="content"><h1>{heading}</h1><ul class="river">
{items}
</ul>{pitch}</main>
<aside class="sidebar"><h2>Most Popular</h2><ol>{ranked}</ol>
<div class="newsletter"><h2>Sign up</h2><p>Get the day’s stories by email.</p></div></aside>
<footer><p>© 2026 {e(site['name'])}. All rights reserved.</p><a href="/privacy/">Privacy</a></footer>
</body>
</html>
"""


def rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso))


def rss(site: dict, later: bool, tracking: str = "") -> str:
    items = "\n".join(f"""  <item>
    <title>{e(v['title'])}</title>
    <link>__BASE__{v['path']}{tracking}</link>
    <guid isPermaLink="false">{e(site['dir'])}-{STORIES.index(s)}</guid>
    <dc:creator>{e(v['author'])}</dc:creator>
    <pubDate>{rfc822(v['published'])}</pubDate>
    <description>{e(v['dek'])}</description>
  </item>""" for s in STORIES if s["site"] == site["dir"] and (v := view(s, later)))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>{e(site['name'])}</title>
  <link>__BASE__/</link>
  <description>{e(site['name'])}: latest stories</description>
{items}
</channel>
</rss>
"""


def atom(site: dict, later: bool) -> str:
    shown = [v for s in STORIES if s["site"] == site["dir"] and (v := view(s, later))]
    entries = "\n".join(f"""  <entry>
    <title>{e(v['title'])}</title>
    <link rel="alternate" type="text/html" href="__BASE__{v['path']}"/>
    <id>tag:patchwire,2026:{slug(v['path'])}</id>
    <published>{v['published']}</published>
    <updated>{v['modified']}</updated>
    <author><name>{e(v['author'])}</name></author>
    <summary>{e(v['dek'])}</summary>
  </entry>""" for v in shown)
    newest = max(v["modified"] for v in shown)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{e(site['name'])}</title>
  <link rel="self" href="__BASE__/atom.xml"/>
  <link rel="alternate" href="__BASE__/"/>
  <id>tag:patchwire,2026:feed</id>
  <updated>{newest}</updated>
{entries}
</feed>
"""


def urlset(site: dict, later: bool) -> str:
    urls = "\n".join(f"  <url><loc>__BASE__{v['path']}</loc><lastmod>{v['modified']}</lastmod></url>"
                     for s in STORIES if s["site"] == site["dir"] and (v := view(s, later)))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


def news_sitemap(site: dict, later: bool) -> str:
    urls = "\n".join(f"""  <url>
    <loc>__BASE__{v['path']}</loc>
    <news:news>
      <news:publication><news:name>{e(site['name'])}</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>{v['published']}</news:publication_date>
      <news:title>{e(v['title'])}</news:title>
    </news:news>
  </url>""" for s in STORIES if s["site"] == site["dir"] and (v := view(s, later)))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
"""


SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>__BASE__/sitemap-posts.xml</loc></sitemap>
</sitemapindex>
"""

SITES = [
    {"name": "The Circuit Ledger", "dir": "circuit-ledger", "sections": ["chips", "devices"],
     "layout": ledger_article,
     "discovery": {"start": "/", "feed": "/feed.xml", "sitemap": "/sitemap.xml"},
     "template_block": SUPPORT_LINE},
    {"name": "Patchwire", "dir": "patchwire", "sections": ["vulnerabilities", "breaches"],
     "layout": patchwire_article,
     "discovery": {"start": "/", "feed": "/atom.xml", "sitemap": "/robots.txt"}},
    {"name": "Gigahertz Daily", "dir": "gigahertz-daily", "sections": ["mobile", "cloud"],
     "layout": gigahertz_article,
     "discovery": {"start": "/", "feed": "/rss.xml", "sitemap": "/sitemap.xml"}},
]


def render(site: dict, later: bool) -> dict[str, str]:
    """Every file of one site in one state: relative path -> text."""
    files = {"index.html": listing(site, later, None)}
    for section in site["sections"]:
        files[f"{section}/index.html"] = listing(site, later, section)
    for story in STORIES:
        if story["site"] == site["dir"] and (v := view(story, later)):
            files[story["path"].strip("/") + "/index.html"] = site["layout"](v, later)
    robots = "User-agent: *\nDisallow: /search/\nDisallow: /account/\n"
    if site["dir"] == "circuit-ledger":
        files["feed.xml"] = rss(site, later)
        files["sitemap.xml"] = SITEMAP_INDEX
        files["sitemap-posts.xml"] = urlset(site, later)
        files["robots.txt"] = robots + "Disallow: /wp-admin/\nSitemap: __BASE__/sitemap.xml\n"
    elif site["dir"] == "patchwire":
        files["atom.xml"] = atom(site, later)
        files["news-sitemap.xml"] = news_sitemap(site, later)
        files["robots.txt"] = robots + "Sitemap: __BASE__/news-sitemap.xml\n"
    else:
        files["rss.xml"] = rss(site, later, "?utm_source=rss&amp;utm_medium=feed")
        files["sitemap.xml"] = urlset(site, later)
        files["robots.txt"] = robots + "Sitemap: __BASE__/sitemap.xml\n"
    return files


def expectations(site: dict) -> list[dict]:
    out = []
    for story in STORIES:
        if story["site"] != site["dir"]:
            continue
        first, last = view(story, False), view(story, True)
        out.append({
            "path": story["path"], "title": (last or first)["title"],
            "changes": story["expect"]["changes"],
            "status": story["expect"].get("status", "live"),
            "records": story["expect"].get("records", []),
            "update": story["expect"].get("update"),
            "update_text": "\n\n".join(story["later"].get("append", [])) or None,
            "paragraphs": {"base": first["paras"], "later": last["paras"] if last else None},
        })
    return out


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main(root: Path = HERE) -> None:
    furniture = BOILERPLATE + [text for _, text in COMMENTS] + list(BIOS.values())
    manifest = {"sites": [], "boilerplate": furniture}
    for site in SITES:
        out = root / site["dir"]
        shutil.rmtree(out, ignore_errors=True)
        base, later = render(site, False), render(site, True)
        write(out / "base", base)
        write(out / "later", {k: t for k, t in later.items() if base.get(k) != t})
        gone = [s["path"] for s in STORIES if s["site"] == site["dir"] and s["later"].get("removed")]
        if gone:
            (out / "later" / ".removed").write_text("".join(p + "\n" for p in gone), encoding="utf-8")
        spec = {k: site[k] for k in ("name", "dir", "discovery", "template_block") if k in site}
        manifest["sites"].append({**spec, "articles": expectations(site)})
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
