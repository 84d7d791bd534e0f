"""一案一码 on a lean path: the public page a QR code opens is served without Frappe's website machinery.

Frappe resolves every website path by compiling its route rules into a fresh URL map (three times a
request) and compiles the page's template from its source on every request: about two thirds of the page's
time, measured with cProfile. A citizen's scan needs none of it. Here `/track` and `/track/<token>` are
recognised by a plain pattern before Frappe's route rules (the `website_path_resolver` hook, which hands
every other path to Frappe's own resolver), and rendered by `TrackingPage` (a `page_renderer`) from the
template Jinja compiles once per worker — with the same context (www/track.py) and the same headers
(tracking.after_request) as before.
"""

import re

import frappe
from frappe.website.path_resolver import resolve_path as frappe_resolve_path
from werkzeug.wrappers import Response

TEMPLATE = "zongzhi_center/www/track.html"
PATH = re.compile(r"^track(?:/([^/]+))?$")
# compiled on a worker's first page, kept for its life: Frappe makes a new Jinja environment, with an empty
# template cache, for every request (a change of the template takes a restart, as a change of code does)
_compiled = {}


def template():
	if TEMPLATE not in _compiled:
		_compiled[TEMPLATE] = frappe.get_jenv().get_template(TEMPLATE)
	return _compiled[TEMPLATE]


def resolve_path(path: str) -> str:
	"""website_path_resolver: the tracking page's paths as they are; every other path as Frappe resolves it."""
	if PATH.match(path or ""):
		return path
	return frappe_resolve_path(path)


class TrackingPage:
	def __init__(self, path: str, http_status_code: int | None = None):
		self.match = PATH.match((path or "").strip("/ "))

	def can_render(self) -> bool:
		return bool(self.match)

	def render(self) -> Response:
		from zongzhi_center.www import track

		if self.match.group(1):
			frappe.form_dict.token = self.match.group(1)
		context = frappe._dict(lang=frappe.local.lang)
		track.get_context(context)
		# the request's own translation function: the compiled template keeps its first environment's globals
		html = template().render(context, _=frappe._)
		return Response(html, status=context.http_status_code or 200, content_type="text/html; charset=utf-8")
