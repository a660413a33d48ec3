"""Which charset a page's bytes are read in: BOM, valid UTF-8, the HTTP header, <meta>, cp1252."""

import pytest

from archiver.extract import extract
from archiver.extract.dom import decode

RU = ["Производитель аккумуляторов Вольтреон объявил в понедельник об отзыве примерно "
      "сорока тысяч батарей для ноутбуков после жалоб владельцев.",
      "Компания заявила, что дефект связан с разделительной плёнкой одного поставщика. "
      "Пострадавших нет, сообщили в компании во вторник."]
PL = ["Producent akumulatorów ogłosił w poniedziałek wycofanie około czterdziestu tysięcy "
      "baterii do laptopów po zgłoszeniach właścicieli o puchnięciu ogniw.",
      "Spółka poinformowała, że usterka wynika z wadliwej folii jednego dostawcy. Nikt nie "
      "został ranny, a wymiana będzie bezpłatna dla wszystkich klientów."]


def page(title: str, paragraphs: list[str], meta: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head>{meta}<title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{body}</article></body></html>")


@pytest.mark.parametrize(("charset", "title", "paragraphs"), [
    ("windows-1251", "Отзыв батарей для ноутбуков", RU),
    ("iso-8859-2", "Wycofanie baterii do laptopów", PL),
])
def test_charset_from_the_http_header_is_used_when_the_page_has_no_meta(charset, title, paragraphs):
    data = page(title, paragraphs).encode(charset)
    art = extract(data, "https://news.example/a", encoding=charset)
    assert art.title == title and art.paragraphs == paragraphs
    assert decode(data, declared=f'"{charset.upper()}"') == page(title, paragraphs)


def test_the_header_outranks_a_wrong_meta_but_not_valid_utf8():
    wrong_meta = page("Отзыв батарей", RU, '<meta charset="iso-8859-1">')
    assert decode(wrong_meta.encode("cp1251"), declared="windows-1251") == wrong_meta
    # a server that says latin-1 over UTF-8 bytes: the bytes win
    assert decode(wrong_meta.encode("utf-8"), declared="iso-8859-1") == wrong_meta
    # a BOM wins over everything
    assert decode(b"\xef\xbb\xbf" + "Ä".encode(), declared="windows-1251") == "Ä"


def test_without_a_header_meta_then_cp1252_still_apply():
    with_meta = page("Отзыв батарей", RU, '<meta charset="windows-1251">')
    assert decode(with_meta.encode("cp1251")) == with_meta
    assert decode("Ein Bericht über Änderungen".encode("cp1252")) == "Ein Bericht über Änderungen"
    # an unknown or unusable header label is ignored, never an error
    assert decode("über".encode("cp1252"), declared="no-such-charset") == "über"
    assert decode("über".encode("cp1252"), declared="base64") == "über"


def test_utf16_declared_in_the_header_without_a_bom():
    html = page("Отзыв батарей", RU)
    assert decode(html.encode("utf-16-le"), declared="utf-16") == html
    assert decode(html.encode("utf-16-be"), declared="UTF-16BE") == html
    # a header claiming UTF-16 over bytes without a single NUL is wrong
    assert decode(html.encode("utf-8"), declared="utf-16") == html


def test_extract_keeps_its_old_signature():
    html = page("Wycofanie baterii", PL, '<meta charset="iso-8859-2">')
    assert extract(html.encode("iso-8859-2"), "https://news.example/a").paragraphs == PL
    assert extract(html.encode("iso-8859-2")).paragraphs == PL
