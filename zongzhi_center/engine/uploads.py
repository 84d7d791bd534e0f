"""Which files may be attached to the centre's records (evidence, applications, recordings), by name alone.

A file is served from the site's own origin: a page type (HTML, SVG, XML, a script) would run in the browser
of the clerk who opens it, with the clerk's session. So attachments are limited to an allow-list of document,
image, audio, video and archive types (an administrator edits it in ZZ Settings), and the page types below are
refused even when someone adds them to that list.

A file name is shown in lists, timelines and the archive bundle: control characters and bidi overrides (which
make `exe.pdf` read as `fdp.exe`) are refused.
"""

from __future__ import annotations

import re

DEFAULT_ALLOWED = (
	"pdf, jpg, jpeg, png, gif, webp, heic, doc, docx, xls, xlsx, ppt, pptx, txt, csv, odt, ods, "
	"mp3, m4a, amr, wav, mp4, mov, zip"
)
# types a browser renders as a page or runs as a script: never attachments, whatever the list says
NEVER_ALLOWED = frozenset(
	{
		"htm",
		"html",
		"shtml",
		"shtm",
		"xhtml",
		"xht",
		"mht",
		"mhtml",
		"svg",
		"svgz",
		"xml",
		"xsl",
		"xslt",
		"js",
		"mjs",
		"swf",
		"hta",
	}
)
# C0 and C1 controls, DEL, and the bidi embeddings, overrides, isolates and marks
BAD_NAME_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def allowed_extensions(setting: str | None) -> frozenset[str]:
	"""The extensions an administrator allows (comma, space or line separated, with or without dots)."""
	text = DEFAULT_ALLOWED if setting is None else setting
	names = {part.strip().lstrip(".").lower() for part in re.split(r"[\s,;]+", text or "")}
	return frozenset(name for name in names if name) - NEVER_ALLOWED


def extension(file_name: str | None) -> str:
	name = (file_name or "").strip()
	return name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""


def extension_allowed(file_name: str | None, allowed: frozenset[str]) -> bool:
	ext = extension(file_name)
	return bool(ext) and ext in allowed and ext not in NEVER_ALLOWED


def name_is_clean(file_name: str | None) -> bool:
	return not BAD_NAME_CHARACTERS.search(file_name or "")
