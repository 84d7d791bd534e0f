"""一案一码 on a lean path: the public page a QR code opens is served without Frappe's website machinery.

Frappe resolves every website path by compiling its route rules into a fresh URL map (three times a
request) and compiles the page's template from its source on every request: about two thirds of the page's
time, measured with cProfile. A citizen's scan needs none of it. Here `/track` and `/track/<token>` are
recognised by a plain pattern before Frappe's route rules (the `website_path_resolver` hook, which hands
every other path to Frappe's own resolver), and rendered by `TrackingPage` (a `page_renderer`) from the
template Jinja compiles once per worker — with the same context (www/track.py) and the same headers
(tracking.after_request) as before. A case's page, once rendered, is kept per token and language with the
case's public facts (services/tracking.py: forgotten whenever the case changes), so the scans a receipt
brings cost a rate count and one Redis read.
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
		from zongzhi_center.services import tracking
		from zongzhi_center.www import track

		token = self.match.group(1)
		lang = frappe.local.lang
		if token:
			frappe.form_dict.token = token
		context = frappe._dict(lang=lang)
		if tracking.over_rate(tracking.client_address()):
			track.refuse_over_rate(context)
		elif token and (html := tracking.kept_page(token, lang)):
			return self.response(html, 200)
		else:
			track.get_context(context, counted=True)
		# the request's own translation function: the compiled template keeps its first environment's globals
		html = template().render(context, _=frappe._)
		if token and context.case:
			tracking.keep_page(token, lang, html)
		return self.response(html, context.http_status_code or 200)

	@staticmethod
	def response(html: str, status: int) -> Response:
		return Response(html, status=status, content_type="text/html; charset=utf-8")
