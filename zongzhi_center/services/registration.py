"""登记 at the window in one step: the facts, the category and every party in one dialog, then 受理 at once.

The desk's quick registration (the case list's 登记 button) sends one request. Only the fields a window clerk
fills in are taken; anything else in the request is refused, not ignored, so a crafted request cannot set the
case's centre, state, deadlines or first receiver. Every problem of the request is reported at once, by
field and party row, before anything is saved; the case is then inserted as the form inserts it, so the
controller's own rules (ZZ Case.validate, the vault, the risk rules, the case number) apply unchanged.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.utils import cint, strip_html

from zongzhi_center.engine import intake as engine
from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.permissions.centers import allowed_centers, default_center
from zongzhi_center.services import petitions
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.utils import identity

CASE_FIELDS = (
	"facts",
	"title",
	"category",
	"matter_type",
	"source",
	"channel",
	"receiving_window",
	"parties",
)
PARTY_FIELDS = ("party_role", "party_type", "party_name", "id_number", "phone", "address")
# a window registers the people in front of it; a mass dispute with more parties goes through the full form
MAX_PARTIES = 50
TITLE_LENGTH = 40


class RegistrationRefused(frappe.ValidationError):
	"""The request had problems: all of them are in the message."""


def options(fieldname: str, doctype: str = "ZZ Case") -> list[str]:
	"""A Select field's options as the DocType defines them (an administrator may add some)."""
	df = frappe.get_meta(doctype).get_field(fieldname)
	return [o for o in (df.options or "").split("\n") if o]


def label(fieldname: str, doctype: str = "ZZ Case") -> str:
	return _(frappe.get_meta(doctype).get_field(fieldname).label)


# ---------------------------------------------------------------- what the dialog starts with


def defaults(user: str | None = None) -> dict:
	"""The windows the user may register at (active, of their centres) and each window's default source."""
	user = user or frappe.session.user
	filters = {"is_active": 1}
	if not is_unscoped(user):
		filters["center"] = ["in", sorted(allowed_centers(user) or {""})]
	# get_all: the windows of the user's own centres, to choose from; a window holds no personal data
	windows = frappe.get_all(
		"ZZ Service Window",
		filters=filters,
		fields=["name", "window_name", "center", "default_source"],
		order_by="center, window_name",
	)
	own = default_center(user)
	return {
		"windows": windows,
		"center": own,
		"sources": options("source"),
		"matter_types": options("matter_type"),
		"can_register": bool(frappe.has_permission("ZZ Case", "create", user=user)),
	}


# ---------------------------------------------------------------- registering


def register(payload) -> dict:
	"""Check the request, insert the case as the signed-in user, say what it became and whether the user may
	accept it now."""
	if not frappe.has_permission("ZZ Case", "create"):
		raise frappe.PermissionError(_("You may not register cases."))
	values, errors = check(payload)
	if errors:
		frappe.throw(
			"<ul>" + "".join(f"<li>{frappe.utils.escape_html(e)}</li>" for e in errors) + "</ul>",
			exc=RegistrationRefused,
			title=_("Please Correct the Registration"),
		)
	case = frappe.get_doc({"doctype": "ZZ Case", **values})
	case.insert()
	return outcome(case)


def check(payload) -> tuple[dict, list[str]]:
	"""(the case's values, every problem of the request as a translated sentence)."""
	errors: list[str] = []
	if not isinstance(payload, dict):
		return {}, [_("The registration must be a set of fields.")]
	unknown = sorted(set(payload) - set(CASE_FIELDS))
	if unknown:
		errors.append(_("These fields cannot be set at registration: {0}.").format(", ".join(unknown)))
	values: dict = {}

	facts = payload.get("facts")
	if not isinstance(facts, str) or not strip_html(facts).strip():
		errors.append(_("Describe the facts of the case: what happened, and what the applicant asks for."))
	elif len(facts) > engine.LIMITS["facts"]:
		errors.append(_("{0}: at most {1} characters.").format(label("facts"), engine.LIMITS["facts"]))
	else:
		values["facts"] = facts.strip()

	title = payload.get("title")
	if title not in (None, ""):
		if not isinstance(title, str) or len(title.strip()) > engine.LIMITS["title"]:
			errors.append(_("{0}: at most {1} characters.").format(label("title"), engine.LIMITS["title"]))
		else:
			values["title"] = title.strip()
	if not values.get("title") and values.get("facts"):
		# the list shows a title: the first words of the facts, until the clerk gives a better one
		first = strip_html(values["facts"]).strip().splitlines()[0].strip()
		values["title"] = first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"

	for fieldname in ("matter_type", "channel"):
		value = payload.get(fieldname)
		if value in (None, ""):
			continue
		if value not in options(fieldname):
			errors.append(_("{0}: choose one of the listed values.").format(label(fieldname)))
		else:
			values[fieldname] = value

	window = check_window(payload.get("receiving_window"), errors)
	if window:
		values["receiving_window"] = window.name
		values["receiving_center"] = window.center
		values.setdefault("channel", "Window")  # registered at a window: the window is the channel

	source = payload.get("source") or (window.default_source if window else None)
	if not source:
		errors.append(_("{0}: choose where the case comes from.").format(label("source")))
	elif source not in options("source"):
		errors.append(_("{0}: choose one of the listed values.").format(label("source")))
	else:
		values["source"] = source

	category = payload.get("category")
	if category not in (None, ""):
		if not isinstance(category, str) or not frappe.db.exists("ZZ Case Category", category):
			errors.append(_("{0}: no such category.").format(label("category")))
		elif cint(frappe.db.get_value("ZZ Case Category", category, "is_group")):
			errors.append(_("{0}: choose a category, not a group of categories.").format(label("category")))
		else:
			values["category"] = category

	values["parties"] = check_parties(payload.get("parties"), errors)
	return values, errors


def check_window(name, errors: list[str]):
	if name in (None, ""):
		return None
	window = isinstance(name, str) and frappe.db.get_value(
		"ZZ Service Window", name, ["name", "center", "default_source", "is_active"], as_dict=True
	)
	user = frappe.session.user
	if (
		not window
		or not window.is_active
		or not (is_unscoped(user) or window.center in (allowed_centers(user) or set()))
	):
		# a window of another centre answers like one that does not exist
		errors.append(_("{0}: not an open window of your centre.").format(label("receiving_window")))
		return None
	return window


def check_parties(rows, errors: list[str]) -> list[dict]:
	if not isinstance(rows, list) or not rows:
		errors.append(_("A case needs at least one applicant (申请人) among its parties."))
		return []
	if len(rows) > MAX_PARTIES:
		errors.append(
			_("At most {0} parties at the window; register a larger dispute on the full form.").format(
				MAX_PARTIES
			)
		)
		return []
	require_phone = cint(frappe.db.get_single_value("ZZ Settings", "require_applicant_phone"))
	roles, types = options("party_role", "ZZ Case Party"), options("party_type", "ZZ Case Party")
	clean_rows = []
	for idx, row in enumerate(rows, start=1):
		if not isinstance(row, dict):
			errors.append(_("Parties row {0}: not a party.").format(idx))
			continue
		unknown = sorted(set(row) - set(PARTY_FIELDS) - {"idx", "name", "doctype", "__islocal", "__checked"})
		if unknown:
			errors.append(
				_("Parties row {0}: these fields cannot be set at registration: {1}.").format(
					idx, ", ".join(unknown)
				)
			)
		clean = {}
		role, kind = row.get("party_role"), row.get("party_type") or "Person"
		if role not in roles:
			errors.append(_("Parties row {0}: choose the party's role.").format(idx))
		else:
			clean["party_role"] = role
		if kind not in types:
			errors.append(_("Parties row {0}: choose a person or an organisation.").format(idx))
		else:
			clean["party_type"] = kind
		name = row.get("party_name")
		if not isinstance(name, str) or not name.strip():
			errors.append(_("Parties row {0}: give the party's name.").format(idx))
		elif len(name.strip()) > engine.LIMITS["party_name"]:
			errors.append(
				_("Parties row {0}: the name has at most {1} characters.").format(
					idx, engine.LIMITS["party_name"]
				)
			)
		else:
			clean["party_name"] = name.strip()
		address = row.get("address")
		if address not in (None, ""):
			if not isinstance(address, str) or len(address) > engine.LIMITS["address"]:
				errors.append(
					_("Parties row {0}: the address has at most {1} characters.").format(
						idx, engine.LIMITS["address"]
					)
				)
			else:
				clean["address"] = address.strip()
		# the same rules as the form's (ZZ Case.validate_parties), and its messages; never the value itself
		try:
			if kind == "Organisation":
				clean["id_number"] = identity.normalise_credit_code(text_or_none(row.get("id_number")))
			else:
				clean["id_number"] = identity.normalise_id_number(text_or_none(row.get("id_number")))
		except identity.InvalidIdentifier:
			if kind == "Organisation":
				message = _(
					"Parties row {0}: the unified social credit code is not valid (18 characters, check character last)."
				)
			else:
				message = _(
					"Parties row {0}: the resident ID number is not valid (18 characters, the last a digit or X, check digit per GB 11643)."
				)
			errors.append(message.format(idx))
		try:
			clean["phone"] = identity.normalise_phone(text_or_none(row.get("phone")))
		except identity.InvalidIdentifier:
			errors.append(
				_(
					"Parties row {0}: the phone number is not a valid mainland mobile or landline number."
				).format(idx)
			)
		if require_phone and not clean.get("phone") and role == "Applicant" and kind == "Person":
			errors.append(
				_(
					"Parties row {0}: an applicant needs a phone number so that the centre can reach them."
				).format(idx)
			)
		clean_rows.append(clean)
	if rows and not any(isinstance(r, dict) and r.get("party_role") == "Applicant" for r in rows):
		errors.append(_("A case needs at least one applicant (申请人) among its parties."))
	return clean_rows


def text_or_none(value):
	if value is None or isinstance(value, str):
		return value
	raise identity.InvalidIdentifier("format")


# ---------------------------------------------------------------- accepting


def accept(name: str) -> dict:
	"""受理 from the registration's result: the Workflow's own action, with its own role check."""
	case = frappe.get_doc("ZZ Case", name)
	case.check_permission("read")
	apply_workflow(case, wn.action("accept"))
	return outcome(frappe.get_doc("ZZ Case", name))


def outcome(case) -> dict:
	actions = {t.action for t in get_transitions(case)}
	try:
		similar = petitions.suggest(case.name)
		earlier = len(similar.get("suggestions") or []) + cint(similar.get("more"))
	except frappe.PermissionError:
		earlier = 0
	return {
		"name": case.name,
		"case_number": case.case_number,
		"title": case.title,
		"workflow_state": case.workflow_state,
		"state_label": _(case.workflow_state),
		"risk_color": case.risk_color,
		"risk_label": _(case.risk_color or ""),
		"can_accept": wn.action("accept") in actions,
		"accept_label": _(wn.action("accept")),
		"earlier_cases": earlier,
	}
