"""Entries of a report's Sources list: “[1] Title … https://…”, and what their URLs tell."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from articles.source_urls import normalise_url

from .errors import ReportImportError

ENTRY = re.compile(r"^\s*(?:\[(?P<bracket>\d{1,4})\]|(?P<dotted>\d{1,4})[.)])\s*(?P<rest>.*)$")
MARKDOWN_LINK = re.compile(r"\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)")
URL = re.compile(r"<?(?P<url>(?:https?://|www\.)[^\s<>]+)>?", re.IGNORECASE)
DATE_IN_PATH = re.compile(r"/(20\d\d)[-/](\d\d)[-/](\d\d)(?:/|$|-)")
TITLE_TRIM = " \t-–—:|·•,;"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TITLE_MAX = 500
URL_MAX = 1000

# Publishers of the outlets summit coverage cites most, by host (without “www.”).
PUBLISHERS = {
    "koreajoongangdaily.joins.com": "Korea JoongAng Daily",
    "joongang.co.kr": "JoongAng Ilbo",
    "koreaherald.com": "The Korea Herald",
    "koreatimes.co.kr": "The Korea Times",
    "en.yna.co.kr": "Yonhap News Agency",
    "yna.co.kr": "Yonhap News Agency",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "bloomberg.com": "Bloomberg",
    "ft.com": "Financial Times",
    "wsj.com": "The Wall Street Journal",
    "nytimes.com": "The New York Times",
    "asia.nikkei.com": "Nikkei Asia",
    "scmp.com": "South China Morning Post",
    "cnbc.com": "CNBC",
    "apec.org": "APEC",
    "openai.com": "OpenAI",
    "aboutamazon.com": "Amazon",
    "news.samsung.com": "Samsung Newsroom",
    "news.skhynix.com": "SK hynix Newsroom",
}


@dataclass(frozen=True)
class SourceEntry:
    """One numbered line of the Sources list."""

    number: int
    title: str
    url: str
    line: int

    def with_url(self, raw_url: str) -> SourceEntry:
        return dataclasses.replace(self, url=_normalised(raw_url, self.number, self.line))

    @property
    def publisher(self) -> str:
        host = urlsplit(self.url).hostname or ""
        host = host.removeprefix("www.")
        while host:
            if host in PUBLISHERS:
                return PUBLISHERS[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return ""

    @property
    def published_on(self) -> dt.date | None:
        """The date many news sites put in their URLs (…/2025-10-28/…)."""
        match = DATE_IN_PATH.search(urlsplit(self.url).path)
        if not match:
            return None
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return None

    @property
    def language(self) -> str:
        return "ko" if HANGUL.search(self.title) else "en"


def _normalised(raw_url: str, number: int, line: int) -> str:
    try:
        url = normalise_url(raw_url.rstrip(".,;)]"))
    except (ValidationError, ValueError) as error:
        raise ReportImportError(
            f"source [{number}] has an address that is not a web address: {raw_url[:200]}", line
        ) from error
    if len(url) > URL_MAX:
        raise ReportImportError(
            f"source [{number}]'s address is longer than {URL_MAX} characters", line
        )
    return url


def parse_source_line(line: str, line_number: int = 0) -> SourceEntry | None:
    """The entry on ``line`` (“[1] Title https://…”), or None when it is no numbered entry."""
    match = ENTRY.match(line)
    if not match:
        return None
    number = int(match.group("bracket") or match.group("dotted"))
    rest = match.group("rest").strip()
    if match.group("dotted") and not URL.search(rest):
        return None  # “1. Something” without an address is prose, not a source entry
    link = MARKDOWN_LINK.search(rest)
    if link:
        title, raw_url = link.group("title"), link.group("url")
    else:
        urls = list(URL.finditer(rest))
        if not urls:
            title, raw_url = rest, ""
        else:
            last = urls[-1]
            title, raw_url = rest[: last.start()], last.group("url")
    title = _clean_title(title) or _host(raw_url) or f"Source {number}"
    url = _normalised(raw_url, number, line_number) if raw_url else ""
    return SourceEntry(number=number, title=title, url=url, line=line_number)


def _clean_title(title: str) -> str:
    title = " ".join(title.split()).strip(TITLE_TRIM)
    if title.endswith("..."):
        title = title[:-3].rstrip(TITLE_TRIM) + " …"
    title = title.strip('“”"')
    return title[: TITLE_MAX - 1] + "…" if len(title) > TITLE_MAX else title


def _host(url: str) -> str:
    return (urlsplit(url if "://" in url else f"https://{url}").hostname or "").removeprefix("www.")
