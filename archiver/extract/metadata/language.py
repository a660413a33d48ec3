"""The page's language (ISO 639-1): as declared, else guessed from the story's text."""

from __future__ import annotations

import re

from archiver.extract.metadata.jsonld import text_of

_DECLARED = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_]|\s|$)")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def declared_language(root, meta: dict[str, str], ld: dict) -> str | None:
    """<html lang>, else Content-Language, og:locale or JSON-LD inLanguage: "en-GB" -> "en"."""
    lang = root.get("lang") or root.get("xml:lang") or root.get(_XML_LANG)
    if not lang:
        lang = meta.get("content-language") or meta.get("og:locale") or text_of(ld.get("inLanguage"))
    m = _DECLARED.match(lang) if lang else None
    return m.group(1).lower() if m else None


# -- language from the text, when the page declares none ---------------------------------
_SCRIPTS = (  # (language, regex of its characteristic script)
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
)
_STOPWORDS = {
    "en": "the and of to in is that for it with was on as are this be by have from at",
    "de": "der die und das ist nicht mit den sich des auf ein eine dem zu für auch im",
    "fr": "le la les et des est une un du pour que dans qui pas sur au avec il ce",
    "es": "el la los las del que en y un una por con para es se no al lo como",
    "pt": "o a os as do da que em um uma para com não é no na dos se ao",
    "it": "il la di che e un una per non del della sono con gli nel alla le è",
    "nl": "de het een en van is dat op te in niet met voor zijn ook die er",
    "sv": "och att det som en på är av för med inte den till har om var ett",
    "da": "og at det som en på er af for med ikke den til har de var et",
    "pl": "i w na z że nie się to do jest jak po co od przez dla",
    "tr": "ve bir bu da de için ile olarak çok daha ama gibi olan en",
    "id": "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke",
    "cs": "a v se na je že to s z do jako ale pro od by jsou",
    "ro": "și în de la cu pe un o care nu din este să mai",
    "hu": "a az és hogy nem is egy meg de van ez csak már",
    "fi": "ja on ei että se oli hän mutta kun niin myös ovat tai",
}
_STOPSETS = {lang: frozenset(ws.split()) for lang, ws in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """A rough ISO 639-1 guess from the script, then from function-word counts; None if unsure."""
    sample = text[:6000]
    if not sample:
        return None
    for lang, rx in _SCRIPTS:
        n = len(rx.findall(sample))
        if n >= 20:
            if lang == "zh" and len(_SCRIPTS[1][1].findall(sample)) >= 5:
                return "ja"
            if lang == "ru" and re.search(r"[їєі]", sample):
                return "uk"
            return lang
    words = [w.casefold() for w in _WORD.findall(sample)]
    if len(words) < 20:
        return None
    best, best_n, second = None, 0, 0
    for lang, stops in _STOPSETS.items():
        n = sum(1 for w in words if w in stops)
        if n > best_n:
            best, best_n, second = lang, n, best_n
        elif n > second:
            second = n
    if best_n >= max(5, 0.08 * len(words)) and best_n > 1.3 * second:
        return best
    return None
