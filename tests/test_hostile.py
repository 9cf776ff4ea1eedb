"""Hostile strings in every text field of the data and the content: nothing executes, nothing injected survives."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from generator.build import build
from generator.paths import relative_url
from generator.paths import slugify

from browser import serve
from conftest import GOLDEN_PROJECT, PROGRAMMES, PROVIDERS, graduate, write_package

HOSTILE = ('<script>alert("xss-1")</script> <img src=x onerror=alert("xss-2")> '
           '"><svg onload=alert("xss-3")> </script><script>alert("xss-4")</script> '
           "javascript:alert('xss-5') {{ 7*7 }} ../../etc/passwd")
#: Short enough for a programme or provider name (at most 200 characters).
SHORT = '<script>alert("xss-1")</script><img src=x onerror=alert("xss-2")>"><svg onload=alert("xss-3")>'
MARKDOWN = ('\n\n<script>alert("xss-6")</script>\n\n<iframe src="javascript:alert(7)"></iframe>\n\n'
            '[click me](javascript:alert("xss-8")) <a href="javascript:alert(9)" onclick="alert(10)">link</a>\n\n'
            '<div onmouseover="alert(11)">hover</div>\n\n' + HOSTILE + "\n")


def _poison_country(path):
    text = path.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(front.removeprefix("---\n"))
    meta["name"] = "Austria " + HOSTILE
    meta["system_name"] = HOSTILE
    for key in ("bodies", "coverage", "indicators"):
        meta[key] = [HOSTILE, *meta[key]]
    meta["data_sources"]["details"].append(HOSTILE)
    meta["figures"].append({"indicator": HOSTILE, "cohort": HOSTILE, "value": 1.0})
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body + MARKDOWN, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    project = root / "project"
    shutil.copytree(GOLDEN_PROJECT / "content", project / "content")
    shutil.copytree(GOLDEN_PROJECT / "datasets" / "reference", project / "datasets" / "reference")
    _poison_country(project / "content" / "countries" / "AT.md")
    chapter = sorted((project / "content" / "guide").glob("*.md"))[0]
    text = chapter.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", lambda m: "title: " + json.dumps(HOSTILE), text, count=1, flags=re.M)
    chapter.write_text(text + MARKDOWN, encoding="utf-8")
    about = project / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + MARKDOWN, encoding="utf-8")
    programmes = [dict(p, name=p["name"] + " " + SHORT, description=HOSTILE) for p in PROGRAMMES]
    providers = [dict(p, name="School " + SHORT) for p in PROVIDERS]
    rows = [graduate(i) for i in range(40)] + [graduate(100 + i, programme="AT-101-3-002") for i in range(40)]
    write_package(project / "datasets" / "graduates", rows, programmes=programmes, providers=providers)
    out = root / "site"
    build(project, out)
    return out


PAGES = ["index.html", "programmes/index.html", "programmes/at-071-4-001/index.html", "countries/index.html",
         "countries/at/index.html", "about/index.html", "guide/index.html", "data/index.html", "methodology/index.html"]


def test_nothing_executes_and_nothing_injected_survives(hostile_site, browser):
    chapter = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.glob("guide/*/index.html"))[0]
    with serve(hostile_site) as base:
        for path in PAGES + [chapter, "compare/index.html?p=AT-071-4-001&p=AT-101-3-002"]:
            page = browser.new_page()
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + path, wait_until="networkidle")
            page.mouse.move(200, 300)
            assert not dialogs, (path, dialogs)
            found = page.evaluate("""() => ({
                scripts: [...document.scripts].filter(s => !(s.type === 'application/json' || s.type === 'application/ld+json' || /assets\\//.test(s.getAttribute('src') || ''))).length,
                handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
                jsLinks: [...document.querySelectorAll('[href],[src]')].filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || '')).length,
                frames: document.querySelectorAll('iframe, img[src=x]').length,
            })""")
            assert found == {"scripts": 0, "handlers": 0, "jsLinks": 0, "frames": 0}, (path, found)
            page.close()


def test_hostile_text_is_shown_as_text(hostile_site):
    page = (hostile_site / "countries" / "at" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;xss-1&#34;)&lt;/script&gt;" in page or "&lt;script&gt;alert(&quot;xss-1&quot;)" in page
    assert "{{ 7*7 }}" in page  # shown, never evaluated as a template
    data = (hostile_site / "assets" / "programmes-data-en.js").read_text(encoding="utf-8")
    assert "</script" not in data.lower() and "\\u003cscript\\u003e" in data


def test_slugs_never_leave_their_folder():
    for text in ("../../etc/passwd", "..", "/abs/path", "a/b\\c", "<script>", "", "É école"):
        slug = slugify(text)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|item", slug), slug
        assert not relative_url("programmes/x/index.html", f"programmes/{slug}/index.html").startswith("../..")
