"""The body of this app's prints loads nothing from outside the site (engine/print_resources.py).

hooks.pdf_body_html: Frappe renders a print format's body through this hook, for the print view and for the
PDF that wkhtmltopdf makes of it. Records of other apps print as Frappe renders them.
"""

from urllib.parse import urlsplit

import frappe
from frappe.utils import get_url
from frappe.utils.pdf import pdf_body_html as frappe_pdf_body_html

from zongzhi_center.engine.print_resources import keep_site_resources

MODULE = "Zongzhi Center"


def pdf_body_html(template, args, **kwargs):
	html = frappe_pdf_body_html(template, args, **kwargs)
	doc = args.get("doc")
	if not doc or frappe.get_meta(doc.doctype).module != MODULE:
		return html
	return keep_site_resources(html, site_hosts())


def site_hosts() -> set[str]:
	"""The host (and port) the site is reached at: its URL, and the host of the request being served."""
	hosts = {urlsplit(get_url()).netloc.lower()}
	request = getattr(frappe.local, "request", None)
	if request is not None and request.host:
		hosts.add(request.host.lower())
	return hosts
