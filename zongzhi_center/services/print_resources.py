"""The body of this app's prints loads nothing from outside the site (engine/print_resources.py), and names
no linked record the user may not read.

hooks.pdf_body_html: Frappe renders a print format's body through this hook, for the print view and for the
PDF that wkhtmltopdf makes of it. Records of other apps print as Frappe renders them.
"""

from urllib.parse import urlsplit

import frappe
from frappe.utils import get_url
from frappe.utils.pdf import pdf_body_html as frappe_pdf_body_html

from zongzhi_center.engine.print_resources import keep_site_resources
from zongzhi_center.permissions.guards import privileged
from zongzhi_center.permissions.titles import may_see_title, split_key

MODULE = "Zongzhi Center"


def pdf_body_html(template, args, **kwargs):
	doc = args.get("doc")
	if not doc or frappe.get_meta(doc.doctype).module != MODULE:
		return frappe_pdf_body_html(template, args, **kwargs)
	drop_unreadable_titles(doc)
	return keep_site_resources(frappe_pdf_body_html(template, args, **kwargs), site_hosts())


def drop_unreadable_titles(doc):
	"""Frappe's print view looks up the title of every linked record (a case merged into another centre's
	case, say) with no permission check: a link the user may not read prints as the record's name."""
	titles = doc.get("__link_titles")
	if not titles or privileged():
		return
	for key in [key for key in titles if not may_see_title(*split_key(key))]:
		titles.pop(key)


def site_hosts() -> set[str]:
	"""The host (and port) the site is reached at: its URL, and the host of the request being served."""
	hosts = {urlsplit(get_url()).netloc.lower()}
	request = getattr(frappe.local, "request", None)
	if request is not None and request.host:
		hosts.add(request.host.lower())
	return hosts
