"""Datasette plugin loaded by `archiver serve` (--plugins-dir): each story's history page at
`/-/history?url=...`, linked from the `url` cells of the articles table."""

from __future__ import annotations

from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape


async def _history(request, datasette):
    from archiver.research.page import history_page
    from archiver.storage import Archive

    url = request.args.get("url", "")
    try:
        a = int(request.args["a"]) if request.args.get("a") else None
        b = int(request.args["b"]) if request.args.get("b") else None
    except ValueError:
        return Response.text("versions are numbers", status=400)
    with Archive.open_existing(datasette.get_database().path) as archive:
        try:
            page = history_page(archive, url, a, b, form_action=datasette.urls.path("/-/history"))
        except LookupError as exc:
            return Response.text(str(exc), status=404)
    return Response.html(page)


@hookimpl
def register_routes():
    return [(r"^/-/history$", _history)]


@hookimpl
def render_cell(value, column, table, datasette):
    if table == "articles" and column == "url" and isinstance(value, str):
        href = datasette.urls.path("/-/history") + "?url=" + quote(value, safe="")
        return Markup(f'{escape(value)} <a href="{escape(href)}">history</a>')
    return None
