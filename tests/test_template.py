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


def teaser_page(title: str, paragraphs: list[str], n: int, teaser: tuple[str, str]) -> str:
    """A story page that also carries another story's headline and lede in a teaser box."""
    html = page(title, paragraphs, n)
    box = (f'<section class="more"><h3>Also today</h3><p><a href="/news/0">{teaser[0]}</a></p>'
           f"<p>{teaser[1]}</p></section>")
    return html.replace("</article>", box + "</article>")


def test_a_lede_quoted_as_a_teaser_elsewhere_stays_in_its_own_story():
    """Story 0's lede is on every observed page, but on the others only in a teaser box: it is
    that story's text, not the site's furniture (which is on every page, in the same place)."""
    title, paras = STORIES[0]
    tpl = SiteTemplate(min_pages=3)
    tpl.observe(page(title, paras, 0), url=url(0))
    for i, (t, p) in enumerate(STORIES[1:], start=1):
        tpl.observe(teaser_page(t, p, i, (title, paras[0])), url=url(i))
    assert extract(page(title, paras, 5), url(0), template=tpl).paragraphs == paras
    other_title, other = STORIES[2]
    assert extract(teaser_page(other_title, other, 9, (title, paras[0])), url(2),
                   template=tpl).paragraphs[:2] == other


def test_a_block_on_a_small_share_of_the_sites_pages_is_kept():
    """Seen in the same place on `min_pages` pages, but not on most of the site's pages: a
    sentence a few stories share (a company profile), not furniture."""
    profile = ("Voltreon, founded in 2009 in Tampere, makes battery cells for laptops and "
               "phones and employs about 3,000 people.")
    tpl = SiteTemplate(min_pages=3)
    for i in range(10):
        t, p = STORIES[i % 4]
        tpl.observe(page(f"{t} ({i})", p + ([profile] if i < 3 else []), i), url=url(i))
    title, paras = STORIES[0]
    learned = extract(page(title, paras + [profile], 20), url(20), template=tpl)
    assert learned.paragraphs == paras + [profile]
    assert SUPPORT not in extract(page(title, paras, 21), url(21), template=tpl).paragraphs


def test_a_template_from_before_places_were_learned_starts_over():
    old = ('{"version":1,"min_pages":3,"max_fingerprints":4000,"max_pages":5000,'
           '"pages":["a","b","c"],"counts":{"x":3}}')
    tpl = SiteTemplate.from_json(old)
    assert len(tpl) == 0 and not tpl.pages


def test_pages_served_in_a_legacy_charset_are_learned_with_the_header_charset():
    tpl = SiteTemplate(min_pages=3)
    support = "Поддержите независимую журналистику: станьте участником сегодня."
    for i, (t, p) in enumerate(STORIES[:3]):
        html = page(t, p, i).replace(SUPPORT, support)
        tpl.observe(html.encode("cp1251"), url=url(i), encoding="windows-1251")
    title, paras = STORIES[3]
    data = page(title, paras, 3).replace(SUPPORT, support).encode("cp1251")
    assert extract(data, url(3), template=tpl, encoding="windows-1251").paragraphs == paras
