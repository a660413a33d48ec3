"""Site templates: blocks a site repeats on every page are learned and stripped.

A fictional site, "The Circuit Ledger", ends every story with a plain <p> asking readers to
support its journalism. Nothing marks it as furniture (no class, no link), so a single page
cannot tell it from the story; after a few pages of the same site, the template can.
"""

from __future__ import annotations

from archiver.extract import SiteTemplate, extract

SUPPORT = ("Support our journalism: The Circuit Ledger is funded by readers like you, and "
           "every contribution keeps our reporting free for everyone.")
SHARE = "Share this article with a friend who follows the chip industry."

STORIES = [
    ("Foundry doubles its output", [
        "The foundry said on Monday that it had doubled its monthly wafer output after "
        "bringing a second production line online ahead of schedule.",
        "Executives credited a new lithography tool and a shorter qualification process, "
        "and said customers had already booked most of the added capacity.",
    ]),
    ("Router maker recalls units", [
        "A router maker is recalling about 40,000 units after reports that a faulty power "
        "adapter could overheat when left plugged in for several days.",
        "Owners can request a replacement adapter online, and the company said no injuries "
        "had been reported so far in any of its markets.",
    ]),
    ("Startup raises money for sensors", [
        "A startup building low-power air quality sensors has raised a new round of funding "
        "led by two climate-focused investment firms.",
        "The company plans to hire engineers and to ship its first devices to city "
        "governments in the second half of the year.",
    ]),
    ("Phone sales slow in spring", [
        "Phone shipments fell for a third straight quarter as buyers held on to their "
        "devices longer, according to figures released by an industry tracker.",
        "Analysts expect a modest recovery once new models with larger batteries reach "
        "stores later this year, though prices remain a concern.",
    ]),
]


def page(title: str, paragraphs: list[str], n: int) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><title>{title} - The Circuit Ledger</title>
<meta property="og:site_name" content="The Circuit Ledger"></head><body>
<header><a href="/">The Circuit Ledger</a></header>
<main><article><h1>{title}</h1><div class="story">{body}
<p>{SUPPORT}</p><p>{SHARE} ({n + 3} shares)</p></div></article></main>
<footer>About us</footer></body></html>"""


def url(i: int) -> str:
    return f"https://circuit-ledger.example/news/{i}"


def test_repeated_in_article_block_is_stripped_after_observing_the_site():
    title, paras = STORIES[3]
    later = page(title, paras, 3)

    single = extract(later, url(3))
    assert SUPPORT in single.paragraphs          # one page alone cannot know
    assert single.paragraphs[:2] == paras

    tpl = SiteTemplate(min_pages=3)
    for i, (t, p) in enumerate(STORIES[:3]):
        tpl.observe(page(t, p, i), url=url(i))
    learned = extract(later, url(3), template=tpl)
    assert SUPPORT not in learned.paragraphs
    assert not any(x.startswith("Share this article") for x in learned.paragraphs)  # digits vary
    assert learned.paragraphs == paras
    assert learned.title == title


def test_too_few_pages_change_nothing():
    tpl = SiteTemplate(min_pages=3)
    for i, (t, p) in enumerate(STORIES[:2]):
        tpl.observe(page(t, p, i), url=url(i))
    title, paras = STORIES[3]
    assert SUPPORT in extract(page(title, paras, 3), url(3), template=tpl).paragraphs


def test_same_page_observed_twice_counts_once():
    tpl = SiteTemplate(min_pages=2)
    t, p = STORIES[0]
    tpl.observe(page(t, p, 0), url=url(0))
    tpl.observe(page(t, p, 0), url=url(0) + "/")
    title, paras = STORIES[3]
    assert SUPPORT in extract(page(title, paras, 3), url(3), template=tpl).paragraphs


def test_story_seen_under_many_urls_is_not_stripped():
    """The same article syndicated under several URLs repeats everything: keep the story."""
    tpl = SiteTemplate(min_pages=3)
    t, p = STORIES[1]
    for i in range(5):
        tpl.observe(page(t, p, i), url=url(100 + i))
    art = extract(page(t, p, 9), url(200), template=tpl)
    assert art.paragraphs[:2] == p


def test_template_round_trips_through_json():
    tpl = SiteTemplate(min_pages=3)
    for i, (t, p) in enumerate(STORIES[:3]):
        tpl.observe(page(t, p, i), url=url(i))
    again = SiteTemplate.from_json(tpl.to_json())
    assert len(again) == len(tpl)
    title, paras = STORIES[3]
    assert extract(page(title, paras, 3), url(3), template=again).paragraphs == paras
