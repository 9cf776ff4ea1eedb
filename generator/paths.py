"""Links between output files, and data embedded in pages."""

from __future__ import annotations

import json
import posixpath

from markupsafe import Markup


def relative_url(from_path: str, to_path: str) -> str:
    """A link from one output file to another that works from file:// and any sub-folder."""
    if to_path.startswith(("#", "http://", "https://", "mailto:")):
        return to_path
    target, _, anchor = to_path.partition("#")
    rel = posixpath.relpath(target, posixpath.dirname(from_path) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def script_json(value) -> Markup:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
