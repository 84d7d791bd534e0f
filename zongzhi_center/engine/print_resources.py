"""What a printed page may load: the site's own assets and files, and data embedded in the page.

wkhtmltopdf loads every image, frame, stylesheet and font a page names, from any host, on the server that
makes the PDF: an `<img src=http://10.0.0.5/…>` in a case's text would make the server call into the intranet
(SSRF), and a site URL would be called with the printing user's session. Frappe already turns off JavaScript
and local file access; here the body of a print keeps only resources that are `data:` URIs or paths under
/assets/, /files/ and /private/files/ of the site itself. Links (`<a href>`) are kept: nothing fetches them.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

SITE_PATHS = ("/assets/", "/files/", "/private/files/")
# embedded data that cannot name another resource itself (an SVG or an HTML page could)
DATA_URI = re.compile(
	r"^data:(image/(png|jpeg|jpg|gif|webp|bmp)|font/[a-z0-9.+-]+|application/(x-)?font-[a-z0-9.+-]+)[;,]",
	re.I,
)
# attributes that make a browser engine fetch what they name
URL_ATTRIBUTES = frozenset(
	{
		"src",
		"href",
		"srcset",
		"poster",
		"data",
		"action",
		"formaction",
		"background",
		"lowsrc",
		"dynsrc",
		"longdesc",
		"xlink:href",
		"codebase",
		"archive",
		"manifest",
		"icon",
		"ping",
	}
)
LINK_TAGS = frozenset({"a", "area"})  # their href is followed by a reader, never fetched
# elements that are nothing but what they load: dropped with it (an image without its source breaks
# Frappe's PDF step that inlines private images)
MEDIA_TAGS = frozenset({"img", "image", "input", "source", "track", "video", "audio"})
# elements that load or run another document, or redirect the page
REMOVED_TAGS = (
	"script",
	"iframe",
	"frame",
	"frameset",
	"object",
	"embed",
	"applet",
	"link",
	"meta",
	"base",
	"portal",
)
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
CSS_IMPORT = re.compile(r"@import\s*(['\"])(.*?)\1", re.I | re.S)
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
URL_NOISE = re.compile(r"[\x00-\x20\x7f]")  # browsers drop tabs and line breaks inside a URL


def allowed_url(url: str, site_hosts: set[str]) -> bool:
	url = URL_NOISE.sub("", url or "")
	if not url or url.startswith("#"):
		return True
	if url.lower().startswith("data:"):
		return bool(DATA_URI.match(url))
	if "\\" in url:
		return False
	parts = urlsplit(url)
	if parts.scheme or parts.netloc or url.startswith("//"):
		if parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() not in site_hosts:
			return False
	path = parts.path
	if not path.startswith("/"):
		return False  # relative to the print view's own URL: not an asset
	return posixpath.normpath(unquote(path)).startswith(SITE_PATHS)


def allowed_srcset(value: str, site_hosts: set[str]) -> bool:
	return all(
		allowed_url(item.strip().split(" ")[0], site_hosts) for item in value.split(",") if item.strip()
	)


def css_allowed(css: str, site_hosts: set[str]) -> bool:
	decoded = CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), css or "")
	urls = [m.group(2) for m in CSS_URL.finditer(decoded)] + [
		m.group(2) for m in CSS_IMPORT.finditer(decoded)
	]
	return all(allowed_url(url, site_hosts) for url in urls)


def keep_site_resources(html: str, site_hosts: set[str]) -> str:
	"""The HTML without anything that would load a resource from outside the site."""
	soup = BeautifulSoup(html, "html.parser")
	for tag in soup.find_all(list(REMOVED_TAGS)):
		tag.decompose()
	for tag in soup.find_all(True):
		if tag.decomposed:
			continue
		if tag.name == "img" and not tag.get("src"):
			tag.decompose()
			continue
		for attribute in list(tag.attrs):
			name = attribute.lower()
			value = tag.attrs[attribute]
			value = " ".join(value) if isinstance(value, list) else str(value)
			if name == "style":
				keep = css_allowed(value, site_hosts)
			elif name == "srcset":
				keep = allowed_srcset(value, site_hosts)
			elif name in URL_ATTRIBUTES and not (name == "href" and tag.name in LINK_TAGS):
				keep = allowed_url(value, site_hosts)
			else:
				keep = True
			if not keep and tag.name in MEDIA_TAGS and name in ("src", "href", "xlink:href"):
				tag.decompose()
				break
			if not keep:
				del tag.attrs[attribute]
	for style in soup.find_all("style"):
		if not css_allowed(style.get_text(), site_hosts):
			style.decompose()
	return str(soup)
