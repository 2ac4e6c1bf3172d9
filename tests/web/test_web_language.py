"""The browser player speaks the browser's language: ``Accept-Language`` picks the player's own
words (the story stays as written), and a hostile header carries nothing but language names."""

from __future__ import annotations

from typing import Any

import pytest

from crossroads.server.web import browser_languages
from tests.web.conftest import WebServer, wait_for


def test_accept_language_is_ranked_by_weight_and_cleaned() -> None:
    assert browser_languages("fr-CH, fr;q=0.9, es;q=0.95, *;q=0.5") == ["fr_CH", "es", "fr"]
    assert browser_languages("es-MX,es;q=0.9,en;q=0.8") == ["es_MX", "es", "en"]
    assert browser_languages("de;q=0, en") == ["en"]  # q=0 means "not this one"
    assert browser_languages("") == []


@pytest.mark.parametrize("header", [
    "es;q=abc", "../../etc/passwd", "es\n:LD_PRELOAD=x", "es:fr", "e$s", "x" * 5000,
    ",".join(["es"] * 500),
])
def test_a_hostile_header_yields_only_language_names(header: str) -> None:
    got = browser_languages(header)
    assert len(got) <= 8
    assert all(tag.replace("_", "").isalnum() and len(tag) <= 12 for tag in got)


@pytest.mark.browser
@pytest.mark.slow
def test_a_spanish_browser_gets_the_player_in_spanish(web_server: WebServer,
                                                      browser: Any) -> None:
    context = browser.new_context(locale="es-ES", viewport={"width": 1100, "height": 760})
    page = context.new_page()
    page.goto(web_server.url + "/play")
    wait_for(page, "Te damos la bienvenida a Crossroads", "Código de invitación", "Entrar")
    context.close()
    english = browser.new_context(locale="en-US").new_page()
    english.goto(web_server.url + "/play")
    wait_for(english, "Invitation code")
