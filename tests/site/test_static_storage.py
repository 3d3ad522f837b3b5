"""The production static storage links to the same hashed files as WhiteNoise's."""

from __future__ import annotations

from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage

from coverage_site.static_storage import StaticStorage


def _collect(storage: StaticStorage, root: Path, css: str) -> None:
    """What ``collectstatic`` does for one stylesheet: copy it, then hash and compress it."""
    (root / "css").mkdir(exist_ok=True)
    (root / "css" / "site.css").write_text(css)
    list(storage.post_process({"css/site.css": (storage, "css/site.css")}))


def test_static_urls_are_whitenoises_hashed_urls(tmp_path, settings):
    """A page links to the hashed file WhiteNoise would name, the same on every page."""
    settings.DEBUG = False
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    _collect(storage, tmp_path, "body { color: black; }")
    whitenoise = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    expected = whitenoise.url("css/site.css")
    assert expected.startswith("/static/css/site.") and expected != "/static/css/site.css"
    assert storage.url("css/site.css") == expected
    assert storage.url("css/site.css") == expected


def test_collecting_again_links_to_the_new_file(tmp_path, settings):
    """After ``collectstatic`` stores a changed file, pages link to its new hashed name."""
    settings.DEBUG = False
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    _collect(storage, tmp_path, "body { color: black; }")
    before = storage.url("css/site.css")
    _collect(storage, tmp_path, "body { color: navy; }")
    after = storage.url("css/site.css")
    assert after != before
    assert after == CompressedManifestStaticFilesStorage(
        location=tmp_path, base_url="/static/"
    ).url("css/site.css")


def test_debug_links_to_the_unhashed_file(tmp_path, settings):
    """With DEBUG on, files are linked by their own names, as Django's storage does."""
    settings.DEBUG = False
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    _collect(storage, tmp_path, "body { color: black; }")
    storage.url("css/site.css")
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
