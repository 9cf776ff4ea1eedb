"""The guide's downloads: the questionnaire and any chapter as an editable file, linked from the guide's pages.

A chapter links a download as ``../downloads/NAME`` (its page is
``guide/<chapter>/index.html``, the downloads are in ``guide/downloads/``, in
each language's folder). Only a guide that links a download gets the files,
and a link to a name that is not one of them stops the build with the
chapter's file named, as a broken link should.

The names: the questionnaire of ``[questionnaire]`` (``<form_id>.xlsx``, the
XLSForm; ``<form_id>.xml``, its XForm; ``<form_id>.codebook.csv``;
``<form_id>.html``, the printable form in the page's language) and every
chapter as a self-contained HTML file that word processors open for editing
(``<chapter>.html``: the data-sharing checklist and the tracking calendar are
chapters 10 and 11).
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from ..config import Config
from ..errors import InputError, Problem
from ..i18n import Language, project_locale, site_languages
from ..inputs.content import Content, Document
from ..prose import markdown_to_html
from ..render import template_environment
from ..paths import slugify
from . import questionnaire_files

#: A download link in a chapter's Markdown: ](../downloads/NAME)
LINK = re.compile(r"\]\(\.\./downloads/([^)\s#?]+)")
FOLDER = "guide/downloads/"


def _linked(doc: Document) -> list[str]:
    return LINK.findall(doc.body)


def _chapters(content: Content, lang: Language) -> list[Document]:
    return [(content.translated("guide", doc.slug, lang.code) if lang.code != "en" else None) or doc
            for doc in content.guide]


def chapter_file(doc: Document, lang: Language, project: Path | None) -> bytes:
    """A chapter as one self-contained HTML file in its language."""
    env = template_environment(project, lang)
    return env.get_template("questionnaire/chapter.html").render(
        title=doc.title, body=Markup(markdown_to_html(doc.body))).encode("utf-8")


def guide_downloads(project: Path, config: Config, content: Content) -> dict[str, bytes]:
    """Every download the guide links, by output path, in every language of the site; {} when none is linked."""
    languages = site_languages(config.site.languages, project_locale(project))
    linked = {(lang.code, doc.path, name) for lang in languages for doc in _chapters(content, lang)
              for name in _linked(doc)}
    if not linked:
        return {}
    form_files = questionnaire_files(project, config)
    form_id = config.questionnaire.form_id
    files: dict[str, bytes] = {}
    for lang in languages:
        available = {name: data for name, data in form_files.items() if name.count(".") == 1
                     or name.endswith(".codebook.csv")}
        available[f"{form_id}.html"] = form_files[f"{form_id}.{lang.code}.html"]
        for doc in _chapters(content, lang):
            available[f"{slugify(doc.slug)}.html"] = chapter_file(doc, lang, project)
        files.update({f"{lang.prefix}{FOLDER}{name}": data for name, data in available.items()})
    known = {path.rsplit("/", 1)[1] for path in files}
    problems = [Problem(path, None, None, "broken-link", f"links ../downloads/{name}, which the build does not make "
                        f"(it makes {', '.join(sorted(known))})")
                for _, path, name in sorted(linked) if name not in known]
    if problems:
        raise InputError(problems)
    return files
