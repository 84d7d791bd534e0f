"""一案一码: the public page a citizen reaches by scanning the QR code on the receipt (/track/<token>), or
by giving the case number and the last four digits of their phone (/track?case_number=…&phone4=…).

A miss answers 404 with this page's own "not found" text, the same for every kind of miss. It does not
raise Frappe's PageDoesNotExistError: Frappe remembers a 404 by URL and serves it from its cache from
then on, which would keep answering "not found" for a link whose case exists by now, and serves that
cached page with status 200 at times."""

import frappe
from frappe import _

from zongzhi_center.services import tracking

no_cache = 1
sitemap = 0


def get_context(context, counted: bool = False):
	"""``counted``: the caller already counted this request against the address's limit."""
	context.no_breadcrumbs = True
	context.title = _("Case Progress")
	context.case = None
	if not counted and tracking.over_rate(tracking.client_address()):
		return refuse_over_rate(context)
	form = frappe.form_dict
	if form.get("token"):
		name = tracking.case_for_token(form.token)
	elif form.get("case_number"):
		name = tracking.case_for_number(form.case_number, form.get("phone4"))
	else:
		return context  # the look-up form
	if not name:
		context.http_status_code = 404
		context.message = _("No case was found. Check the link, or the case number and the phone digits.")
		return context
	context.case = tracking.public_view(name)
	return context


def refuse_over_rate(context):
	context.no_breadcrumbs = True
	context.title = _("Case Progress")
	context.case = None
	context.http_status_code = 429
	context.message = _("Too many requests. Please wait a minute and try again.")
	return context
