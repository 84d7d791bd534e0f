"""一案一码 on the site: the public tracking page's data, its guards, and the QR code on the receipt.

What a citizen sees is built from the case's state history by the engine (engine/tracking.py): public
milestones with their dates, the matter type and category, the responsible centre and its phone, the
promised date. Never a party, an ID number, a phone, an address, the title or the facts.

Guards: a token is looked up only when it is well formed (garbage never reaches the database, yet costs
the same query); unknown, revoked and malformed tokens all end in the same 404; each address may make
`tracking_requests_per_minute` requests a minute (ZZ Settings); a case number whose phone digits were
guessed wrong `tracking_failures_per_case` times in an hour answers "not found" for the rest of the hour.
The case number is normalised before both the look-up and that count, and the address is the client's own
(`client_address`: a forwarded-for header counts only from the proxies named in the site config
`zz_trusted_proxies`, a list of addresses or networks).
"""

from __future__ import annotations

import frappe
import redis
import segno
from frappe import _
from frappe.utils import cint, get_url, getdate

from zongzhi_center.engine import tracking
from zongzhi_center.services import workflow_names as wn

RATE_WINDOW = 60  # seconds
FAILURE_WINDOW = 3600  # seconds
# a value no token can take (it is not well formed), looked up in place of a malformed token
NO_TOKEN = "-"


def tracking_url(case) -> str:
	"""The public page of a case (a document, or its token)."""
	token = case if isinstance(case, str) else case.tracking_token
	return get_url(f"/track/{token}")


def qr_data_uri(text: str, scale: int = 4) -> str:
	"""A QR code of ``text`` as a PNG data URI, for print formats (wkhtmltopdf embeds it in the PDF)."""
	return segno.make(text, error="m").png_data_uri(scale=scale, border=2)


def new_token() -> str:
	return tracking.new_token()


# ---------------------------------------------------------------------------------------------- guards
def client_address() -> str:
	"""The address requests to the public page are counted by (engine.tracking.client_address)."""
	request = getattr(frappe.local, "request", None)
	if request is None:
		return "unknown"
	return tracking.client_address(
		request.remote_addr,
		request.headers.get("X-Forwarded-For"),
		frappe.conf.get("zz_trusted_proxies"),
	)


def over_rate(ip: str | None) -> bool:
	"""Whether the address made more requests this minute than ZZ Settings allow."""
	limit = cint(setting("tracking_requests_per_minute"))
	return bool(limit) and _count(f"zz-track:ip:{ip or 'unknown'}", RATE_WINDOW) > limit


def setting(fieldname: str):
	# the settings as Frappe keeps them in its document cache (forgotten when an administrator saves them):
	# a QR-code burst must not query the settings table once a scan
	return frappe.get_cached_value("ZZ Settings", "ZZ Settings", fieldname)


def _count(key: str, window: int, peek: bool = False) -> int:
	key = frappe.cache.make_key(key)
	if peek:
		return cint(frappe.cache.get(key))
	# one round trip: the count goes up, and the window starts with the first request of it
	pipe = frappe.cache.pipeline()
	pipe.incr(key)
	pipe.expire(key, window, nx=True)
	count, _started = pipe.execute()
	return cint(count)


# --------------------------------------------------------------------------------------------- look-up
def case_for_token(token: str | None) -> str | None:
	# get_value with no permission check: the token itself is the citizen's proof
	name = frappe.db.get_value(
		"ZZ Case", {"tracking_token": token if tracking.well_formed(token) else NO_TOKEN}, "name"
	)
	return name or None


def case_for_number(case_number: str | None, last_four: str | None) -> str | None:
	"""The case whose number is ``case_number`` and one of whose applicants' phones ends in ``last_four``."""
	case_number = tracking.case_number_key(case_number)
	last_four = tracking.digits(last_four)
	limit = cint(setting("tracking_failures_per_case"))
	failures_key = f"zz-track:fail:{case_number or NO_TOKEN}"
	if limit and _count(failures_key, FAILURE_WINDOW, peek=True) >= limit:
		return None
	found = frappe.db.get_value(
		"ZZ Case", {"case_number": case_number or NO_TOKEN}, ["name", "case_number"], as_dict=True
	)
	# the column's collation equates more than the normalised text does: only the exact number counts
	name = found.name if found and found.case_number == case_number else None
	phones = (
		frappe.get_all(
			"ZZ Case Party",
			filters={"parenttype": "ZZ Case", "parent": name, "party_role": "Applicant"},
			pluck="phone",
		)
		if name
		else []
	)
	if name and tracking.phone_matches(phones, last_four):
		return name
	if case_number:
		_count(failures_key, FAILURE_WINDOW)
	return None


# ------------------------------------------------------------------------------------------ the view
PUBLIC_FIELDS = (
	"case_number",
	"matter_type",
	"category",
	"workflow_state",
	"current_center",
	"received_at",
	"due_date",
	"sla_status",
	"merged_into",
)


# the facts a page shows, kept per case for the QR-code bursts a receipt brings; forgotten when the case is
# saved (its state, deadline, centre or merge change), and at most a minute old after a change made outside
# a save (a centre's new phone number, a workflow renamed)
VIEW_KEY = "zz-track:view:{0}"
VIEW_SECONDS = 60


def public_view(name: str) -> frappe._dict:
	"""What the public page shows of a case, in the reader's language: nothing personal, nothing internal."""
	facts = frappe.cache.get_value(VIEW_KEY.format(name))
	if facts is None:
		facts = public_facts(name)
		frappe.cache.set_value(VIEW_KEY.format(name), facts, expires_in_sec=VIEW_SECONDS)
	return frappe._dict(
		case_number=facts["case_number"],
		matter_type=_(facts["matter_type"]) if facts["matter_type"] else "",
		category=_(facts["category"]) if facts["category"] else "",
		stage=_(facts["milestones"][-1][0]) if facts["milestones"] else "",
		milestones=[frappe._dict(label=_(label), date=getdate(at)) for label, at in facts["milestones"]],
		center_name=facts["center_name"],
		center_phone=facts["center_phone"],
		promised_by=getdate(facts["promised_by"]) if facts["promised_by"] else None,
		merged_into=facts["merged_into"],
	)


def public_facts(name: str) -> dict:
	"""The stored facts behind the public page, before translation."""
	case = frappe.db.get_value("ZZ Case", name, PUBLIC_FIELDS, as_dict=True)
	history = frappe.get_all(
		"ZZ Case State Change",
		filters={"parenttype": "ZZ Case", "parent": name},
		fields=["state", "changed_at"],
		order_by="changed_at asc, idx asc",
	)
	steps = [(row.state, row.changed_at) for row in history] or [(wn.state("registered"), case.received_at)]
	if steps[-1][0] != case.workflow_state:  # a case from before the state history was kept
		steps.append((case.workflow_state, steps[-1][1]))
	milestones = tracking.milestones(steps, public_milestones())
	merged_into = merged_into_number(case.merged_into)
	if merged_into:
		milestones = tracking.as_merged(milestones)
	center = frappe.db.get_value("ZZ Center", case.current_center, ["center_name", "phone"], as_dict=True)
	finished = milestones and milestones[-1].label in ("Closed", "Not Accepted", "Resolved", tracking.MERGED)
	return {
		"case_number": case.case_number,
		"matter_type": case.matter_type or "",
		"category": case.category or "",
		"milestones": [(m.label, str(getdate(m.at))) for m in milestones],
		"center_name": center.center_name if center else "",
		"center_phone": center.phone if center else "",
		"promised_by": None if finished or not case.due_date else str(getdate(case.due_date)),
		"merged_into": merged_into,
	}


# the page as sent, per token and language: a burst of scans of one receipt costs one render a minute
PAGE_KEY = "zz-track:page:{0}"


def kept_page(token: str, lang: str) -> str | None:
	if not tracking.well_formed(token):
		return None
	# the plain Redis command: the page is kept as its text, not pickled per request like Frappe's values
	html = redis.Redis.hget(frappe.cache, frappe.cache.make_key(PAGE_KEY.format(token)), lang)
	return html.decode() if html is not None else None


def keep_page(token: str, lang: str, html: str):
	key = frappe.cache.make_key(PAGE_KEY.format(token))
	pipe = frappe.cache.pipeline()
	pipe.hset(key, lang, html)
	pipe.expire(key, VIEW_SECONDS)
	pipe.execute()


def forget_view(doc, method=None):
	"""ZZ Case on_change: the next page shows the case as now stored (also under a token just revoked)."""
	frappe.cache.delete_value(VIEW_KEY.format(doc.name))
	before = doc.get_doc_before_save() if hasattr(doc, "get_doc_before_save") else None
	forget_pages(doc.get("tracking_token"), before.get("tracking_token") if before else None)


def forget_pages(*tokens: str | None):
	"""The kept pages of these tokens: a revoked code stops working at once."""
	keys = [frappe.cache.make_key(PAGE_KEY.format(token)) for token in set(tokens) - {None, ""}]
	if keys:
		frappe.cache.delete(*keys)


def public_milestones() -> dict[str, str]:
	"""The live workflow's state names → the public milestones (engine/tracking.py MILESTONES)."""
	return tracking.milestone_map({meaning: wn.state(meaning) for meaning in wn.SHIPPED_STATES})


def merged_into_number(case: str | None) -> str | None:
	"""The public number of the case a merged duplicate continues in: its number only, which the citizen
	looks up the same way (never its token, title or parties)."""
	return frappe.db.get_value("ZZ Case", case, "case_number") if case else None


def after_request(response=None, request=None):
	"""The public page is never stored by a browser or a proxy, nor indexed (hooks.after_request)."""
	if response is not None and request is not None and request.path.startswith("/track"):
		response.headers["Cache-Control"] = "no-store"
		response.headers["X-Robots-Tag"] = "noindex"
		response.headers["Referrer-Policy"] = "no-referrer"
