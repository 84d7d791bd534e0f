"""after_install / after_migrate: idempotent; never overwrites what an administrator changed."""

import json
import os

import frappe
from frappe.model import no_value_fields

from zongzhi_center.services import workflow_names
from zongzhi_center.setup.security import ensure_security_defaults
from zongzhi_center.setup.workflow_sync import sync_workflows


def after_install():
	sync_shipped_records()


def after_migrate():
	sync_shipped_records()
	# composite indexes the reports need over a million cases (setup/indexes.py)
	from zongzhi_center.setup.indexes import ensure_indexes

	ensure_indexes()
	# each centre's number of cases, the case list's total (services/case_count.py)
	from zongzhi_center.services.case_count import ensure_table

	ensure_table()
	# print formats named in the user's language in the print view's picker (services/record_titles.py)
	from zongzhi_center.services.record_titles import show_user_names_in_links, translate_print_format_names

	translate_print_format_names()
	show_user_names_in_links()
	# 社会治理资源库: the Chinese search index of the published library items, rebuilt from the database
	from zongzhi_center.services.library import rebuild_index

	print(f"zongzhi_center: library index: {rebuild_index()} published items")


def sync_shipped_records():
	ensure_roles()
	ensure_expertise()
	ensure_case_categories()
	# the workflow first: settings name its states
	for name, outcome in sync_workflows().items():
		print(f"zongzhi_center: workflow {name!r}: {outcome}")
	# before anything saves the settings: a setting new in this version is still missing from the stored
	# ones, and gets its default
	ensure_settings()
	# which live states and actions play the parts the code relies on (services/workflow_names.py)
	workflow_names.ensure_map()
	for problem in workflow_names.missing_names():
		print(f"zongzhi_center: WARNING: {problem}")
	ensure_named_records("ZZ Risk Rule", "risk_rules.json")
	# the law's clocks: each shipped deadline rule reaches every site once, then is the administrator's
	ensure_shipped_records(
		"ZZ Deadline Rule",
		"deadline_rules.json",
		key="rule_name",
		seeded=("红色案件", "橙色案件", "一般案件"),
		fill_blank=("legal_source", "warn_before_days", "moderate_after_days", "serious_after_days"),
	)
	ensure_notifications()
	# password policy, login lockout, session expiry, log retention: once, where still Frappe's defaults
	ensure_security_defaults()


def data_path(*parts: str) -> str:
	return os.path.join(os.path.dirname(__file__), "data", *parts)


def load_json(path: str):
	with open(path, encoding="utf-8") as fh:
		return json.load(fh)


def ensure_roles():
	# the same file Frappe's fixture sync imports; read here because after_install runs before fixtures
	for row in load_json(frappe.get_app_path("zongzhi_center", "fixtures", "role.json")):
		if not frappe.db.exists("Role", row["role_name"]):
			frappe.get_doc(row).insert(ignore_permissions=True)


def ensure_expertise():
	for name in load_json(data_path("expertise.json")):
		if not frappe.db.exists("ZZ Expertise", name):
			frappe.get_doc({"doctype": "ZZ Expertise", "expertise_name": name}).insert(
				ignore_permissions=True
			)


def ensure_case_categories():
	def create(node: dict, parent: str | None):
		if not frappe.db.exists("ZZ Case Category", node["name"]):
			frappe.get_doc(
				{
					"doctype": "ZZ Case Category",
					"category_name": node["name"],
					"description": node.get("description"),
					"is_group": 1 if node.get("children") or parent is None else 0,
					"parent_zz_case_category": parent,
					# 在岗人员 puts the staff who bring what a case of the category needs first
					"expertise": [{"expertise": e} for e in node.get("expertise") or []],
				}
			).insert(ignore_permissions=True)
		for child in node.get("children") or []:
			create(child, node["name"])

	create(load_json(data_path("case_categories.json")), None)


def ensure_named_records(doctype: str, filename: str):
	"""Shipped examples, created once: an administrator may edit or delete them and they stay so."""
	if frappe.db.count(doctype):
		return
	for row in load_json(data_path(filename)):
		frappe.get_doc({"doctype": doctype, **row}).insert(ignore_permissions=True)


def ensure_shipped_records(
	doctype: str, filename: str, key: str, seeded: tuple[str, ...] = (), fill_blank: tuple[str, ...] = ()
):
	"""Shipped records, each created when missing and recorded as shipped (ZZ Shipped Definition): an
	administrator may edit or delete one and it stays so, and a record shipped by a later version still
	reaches a site set up before it. ``seeded`` names the records an earlier version created on a new site
	without recording them: missing on a site that has others, the administrator deleted them. A seeded
	record found in place is recorded, and given the values of ``fill_blank``, fields it never had."""
	had_records = bool(frappe.db.count(doctype))
	for row in load_json(data_path(filename)):
		name = row[key]
		if frappe.db.exists("ZZ Shipped Definition", {"ref_doctype": doctype, "ref_name": name}):
			continue
		if frappe.db.exists(doctype, name):
			doc = frappe.get_doc(doctype, name)
			blank = {field: row[field] for field in fill_blank if field in row and not doc.get(field)}
			if blank:
				doc.update(blank)
				doc.save(ignore_permissions=True)
			note = "found"
		elif name in seeded and had_records:
			note = "deleted before it was recorded"
		else:
			frappe.get_doc({"doctype": doctype, **row}).insert(ignore_permissions=True)
			note = "created"
		frappe.get_doc(
			{
				"doctype": "ZZ Shipped Definition",
				"ref_doctype": doctype,
				"ref_name": name,
				"last_sync_note": note,
			}
		).insert(ignore_permissions=True)


# where the deadline clock pauses, and where it stops (by meaning), until an administrator says otherwise
PAUSED_STATES = ("awaiting_party",)
STOPPED_STATES = (
	"resolved",
	"unresolved",
	"referred_to_court",
	"follow_up",
	"closed",
	"archived",
	"not_accepted",
)


def ensure_settings():
	settings = frappe.get_single("ZZ Settings")
	# a setting added by a later version gets its DocType default on the site where the others were saved
	stored = frappe.db.get_singles_dict("ZZ Settings")
	changed = not stored
	for df in settings.meta.fields:
		if df.default is not None and df.fieldtype not in no_value_fields and df.fieldname not in stored:
			settings.set(df.fieldname, df.default)
			changed = True
	for fieldname, states in (("paused_states", PAUSED_STATES), ("stopped_states", STOPPED_STATES)):
		if not settings.get(fieldname):
			for state in workflow_names.states(*states):
				if frappe.db.exists("Workflow State", state):
					settings.append(fieldname, {"workflow_state": state})
			changed = True
	if "reopen_grace_days" not in stored and not settings.get("on_the_spot_matter_types"):
		# 当场办结 for legal consultations, on the first migrate that brings the closing settings only:
		# an administrator may empty the list
		settings.append("on_the_spot_matter_types", {"matter_type": "Legal Consultation"})
		changed = True
	if changed:
		settings.save(ignore_permissions=True)


def ensure_notifications():
	"""Shipped Notification records (Chinese texts), created when missing and then the administrator's
	to edit, disable or delete: each is created once, recorded as shipped, and never brought back."""
	for row in load_json(data_path("notifications.json")):
		key = ("Notification", row["name"])
		if frappe.db.exists("ZZ Shipped Definition", {"ref_doctype": key[0], "ref_name": key[1]}):
			continue
		if not frappe.db.exists(*key):
			doc = frappe.get_doc({"doctype": "Notification", "enabled": 1, **row})
			doc.insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "ZZ Shipped Definition",
				"ref_doctype": key[0],
				"ref_name": key[1],
				"last_sync_note": "created",
			}
		).insert(ignore_permissions=True)
