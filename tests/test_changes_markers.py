"""Markers: every listed label in four languages, the prose that must not fire, stated times."""

from __future__ import annotations

import pytest

from archiver.changes import detect_marker, find_updates, parse_stated_time

PUB = "2013-04-24T11:20:00-04:00"

POSITIVE = [
    ("Update: Apple has responded.", "update", "Update:"),
    ("Update 2: Google declined to comment.", "update", "Update 2:"),
    ("UPDATE (7:02 p.m.): The outage is over.", "update", "UPDATE (7:02 p.m.):"),
    ("Updated at 3:15 p.m. ET: Added a statement.", "update", "Updated at 3:15 p.m. ET:"),
    ("Update, April 24th, 7:02PM ET: Huawei says phones are unaffected.", "update",
     "Update, April 24th, 7:02PM ET:"),
    ("Updated April 24, 2013: Added comment from Sprint.", "update", "Updated April 24, 2013:"),
    ("Correction: An earlier version misstated the price.", "correction", "Correction:"),
    ("Clarification: The study was funded by the company.", "clarification", "Clarification:"),
    ("Editor's note: The author owns shares in Apple.", "editors_note", "Editor's note:"),
    ("Editor’s Note: This story has been updated.", "editors_note", "Editor’s Note:"),
    ("Ed. note: We have removed a quote.", "editors_note", "Ed. note:"),
    ("Nachtrag: Samsung hat sich inzwischen geäußert.", "update", "Nachtrag:"),
    ("Update (Nachtrag): Der Hersteller bestätigt den Fehler.", "update", "Update (Nachtrag):"),
    ("Korrektur: In einer früheren Version stand ein falscher Preis.", "correction", "Korrektur:"),
    ("Anmerkung der Redaktion: Der Autor war auf Einladung vor Ort.", "editors_note",
     "Anmerkung der Redaktion:"),
    ("Mise à jour : Orange a confirmé la panne.", "update", "Mise à jour :"),
    ("Rectificatif : le prix annoncé était erroné.", "correction", "Rectificatif :"),
    ("Note de la rédaction : cet article a été modifié.", "editors_note", "Note de la rédaction :"),
    ("Actualización: Telefónica ha respondido.", "update", "Actualización:"),
    ("Corrección: una versión anterior decía otra cifra.", "correction", "Corrección:"),
    ("Nota del editor: el autor trabajó en la empresa.", "editors_note", "Nota del editor:"),
    ("Actualizado: la empresa ha publicado un comunicado.", "update", "Actualizado:"),
    ("**Update:** Microsoft confirmed the bug.", "update", "Update:"),
    ("**Correction**: The chip is made by TSMC.", "correction", "Correction:"),
    ("[Update: the post now links to the filing.]", "update", "Update:"),
    ("Update", "update", "Update"),
    ("Update, April 24th, 7:02PM ET", "update", "Update, April 24th, 7:02PM ET"),
    ("UPDATE — Amazon says the service is back.", "update", "UPDATE"),
    ("Aktualisierung, 24. April 2013, 19.02 Uhr: Die Seite ist wieder erreichbar.", "update",
     "Aktualisierung, 24. April 2013, 19.02 Uhr:"),
]

NEGATIVE = [
    "The update to iOS 18 fixes a Bluetooth bug.",
    "Apple will update its privacy labels next month.",
    "Update to iOS 18: what's new in the release.",
    "Updated iPhone review: the battery is better.",
    "Updates and fixes in iOS 18 — what changed and why.",
    "Correction officers at the facility used the app.",
    "Corrections are rare at this outlet, the editor said.",
    "Editors note that the phone is cheaper this year.",
    "Nachtragshaushalt: Der Bund plant neue Schulden.",
    "Nachtrag vom Hersteller: Die Firma widerspricht.",
    "La mise à jour de Windows 11 corrige plusieurs failles.",
    "La actualización de Android llegará en mayo.",
    "Updater: a small tool that checks for new versions.",
    "",
    "Up",
]


@pytest.mark.parametrize("text,kind,marker", POSITIVE)
def test_marker_detected(text, kind, marker):
    m = detect_marker(text)
    assert m is not None, text
    assert m.kind == kind
    assert m.marker == marker


@pytest.mark.parametrize("text", NEGATIVE)
def test_prose_is_not_a_marker(text):
    assert detect_marker(text) is None


def test_marker_languages():
    langs = {detect_marker(t).language for t, _, _ in POSITIVE}
    assert {"en", "de", "fr", "es"} <= langs


@pytest.mark.parametrize(
    "marker,published,expected",
    [
        ("Update, April 24th, 7:02PM ET: x", None, None),  # no year known
        ("Update, April 24th, 7:02PM ET: x", PUB, "2013-04-24T19:02:00-04:00"),
        ("Update, January 24th, 7:02PM ET: x", PUB, "2013-01-24T19:02:00-05:00"),
        ("Updated April 24, 2013: x", None, "2013-04-24"),
        ("UPDATE (7:02 p.m.): x", PUB, "2013-04-24T19:02:00"),
        ("UPDATE (7:02 p.m.): x", None, None),
        ("Updated at 3:15 p.m. ET: x", PUB, "2013-04-24T15:15:00-04:00"),
        ("Updated at 3:15 p.m. PT: x", "2013-12-02T09:00:00Z", "2013-12-02T15:15:00-08:00"),
        ("Updated at 11:30 p.m. ET: x", "2013-04-25T01:00:00Z", "2013-04-24T23:30:00-04:00"),
        ("Update 12:05am EDT: x", PUB, "2013-04-24T00:05:00-04:00"),
        ("Update (5 p.m. GMT): x", PUB, "2013-04-24T17:00:00+00:00"),
        ("Update 2: x", PUB, None),
        ("Update: x", PUB, None),
        ("Aktualisierung, 24. April 2013, 19.02 Uhr: x", None, "2013-04-24T19:02:00"),
        ("Nachtrag vom 24.04.2013, 19:02 Uhr MESZ: x", None, "2013-04-24T19:02:00+02:00"),
        ("Mise à jour du 24 avril 2013 à 19h02 : x", None, "2013-04-24T19:02:00"),
        ("Update — 7:02 p.m. ET: x", PUB, "2013-04-24T19:02:00-04:00"),
        ("Nachtrag (24.04.2013, 19:02 Uhr MESZ): x", None, "2013-04-24T19:02:00+02:00"),
        ("Mise à jour, le 24 avril 2013 à 19h02 : x", None, "2013-04-24T19:02:00"),
        ("Mise à jour (19h30 CET) : x", PUB, "2013-04-24T19:30:00+01:00"),
        ("Actualización (24 de abril de 2013, 19:02): x", None, "2013-04-24T19:02:00"),
        ("Update 4/24: x", PUB, "2013-04-24"),
        ("Actualización 24/4: x", PUB, "2013-04-24"),
        ("Updated 2013-04-24 19:02 UTC: x", None, "2013-04-24T19:02:00+00:00"),
    ],
)
def test_stated_time(marker, published, expected):
    ups = find_updates(["Body paragraph one.", "Body paragraph two.", marker], published=published)
    assert len(ups) == 1
    assert ups[0].stated_time == expected


def test_parse_stated_time_rejects_nonsense():
    assert parse_stated_time("25:99 p.m.") is None
    assert parse_stated_time("February 30, 2013") is None
    assert parse_stated_time("") is None


def test_bold_markers_survive_extraction():
    """A marker in bold at the start of a paragraph, or bold on a line of its own, as pages
    serve them: the extractor's text still opens with the marker."""
    from archiver.extract import extract

    story = "".join(f"<p>{t}</p>" for t in [
        "Die Telekom hat am Dienstag eine Störung im Mobilfunknetz bestätigt, von der vor "
        "allem Kunden in Nordrhein-Westfalen betroffen waren.",
        "Nach Angaben des Unternehmens lag die Ursache bei einem fehlerhaften Software-Update "
        "an mehreren Servern in Frankfurt.",
        "Die Bundesnetzagentur ließ sich über den Ausfall informieren, sieht aber keinen "
        "Anlass für ein Verfahren."])
    html = ("<html><head><title>Telekom</title></head><body><article><h1>Telekom: Störung</h1>"
            f"{story}<p><strong>Nachtrag:</strong> Das Netz läuft seit 18:40 Uhr wieder.</p>"
            "<p><b>Korrektur</b>: Betroffen waren 30.000 Kunden.</p>"
            "<p><strong>Mise à jour :</strong></p><p>Orange a confirmé la panne.</p>"
            "<p><strong>Actualización:</strong> Telefónica ha respondido.</p>"
            "</article></body></html>")
    paragraphs = extract(html.encode(), "https://x.example/2026/02/telekom/").paragraphs
    found = [(u.kind, u.marker, u.start, u.end) for u in find_updates(paragraphs)]
    assert found == [("update", "Nachtrag:", 3, 4), ("correction", "Korrektur:", 4, 5),
                     ("update", "Mise à jour :", 5, 7), ("update", "Actualización:", 7, 8)]
