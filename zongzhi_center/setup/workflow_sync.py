"""Workflows shipped as files under zongzhi_center/zongzhi_center/workflow/, synced on install and migrate.

Frappe's module sync does not import Workflows, and a plain re-import would overwrite what an
administrator changed in the browser. The rule here:

- a workflow that does not exist is created;
- a workflow nobody changed since it was last applied (its fingerprint equals the one recorded then) gets
  the shipped version when that version is new;
- a workflow an administrator changed keeps the administrator's version; the new shipped version is not
  applied, and ZZ Shipped Definition says so.

What was applied is recorded in ZZ Shipped Definition: the hash of the shipped file and the fingerprint
of the workflow right after it was applied.
"""

import glob
import hashlib
import json
import os

import frappe
from frappe.utils import cint, now_datetime

TRACKER = "ZZ Shipped Definition"
WORKFLOW_FIELDS = (
	"document_type",
	"workflow_state_field",
	"is_active",
	"override_status",
	"send_email_alert",
)
STATE_FIELDS = ("state", "doc_status", "allow_edit", "update_field", "update_value", "is_optional_state")
TRANSITION_FIELDS = ("state", "action", "next_state", "allowed", "allow_self_approval", "condition")
STYLES_KEY = "zz_state_styles"

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept administrator's version"


def shipped_workflow_files() -> list[str]:
	folder = frappe.get_app_path("zongzhi_center", "zongzhi_center", "workflow")
	return sorted(glob.glob(os.path.join(folder, "*", "*.json")))


def load_shipped(path: str) -> dict:
	with open(path, encoding="utf-8") as fh:
		return json.load(fh)


def sync_workflows() -> dict[str, str]:
	return {
		shipped["name"]: sync_workflow(shipped) for shipped in map(load_shipped, shipped_workflow_files())
	}


def sync_workflow(shipped: dict) -> str:
	name = shipped["name"]
	ensure_states_and_actions(shipped)
	shipped_hash = fingerprint(shipped)
	tracker = get_tracker(name)

	if not frappe.db.exists("Workflow", name):
		frappe.get_doc(as_doc_dict(shipped)).insert(ignore_permissions=True)
		return record(name, shipped_hash, CREATED)

	doc = frappe.get_doc("Workflow", name)
	current = fingerprint(doc.as_dict())
	if tracker is None:
		# made by hand before this app shipped it: adopt it only when it is the same
		if current == shipped_hash:
			return record(name, shipped_hash, UNCHANGED)
		return note(name, shipped_hash, KEPT)
	if current != tracker.applied_fingerprint:
		return note(name, shipped_hash, KEPT if shipped_hash != tracker.shipped_hash else UNCHANGED)
	if shipped_hash == tracker.shipped_hash:
		return UNCHANGED

	fields = as_doc_dict(shipped)
	doc.update({key: fields[key] for key in WORKFLOW_FIELDS if key in fields})
	doc.set("states", fields["states"])
	doc.set("transitions", fields["transitions"])
	doc.save(ignore_permissions=True)
	return record(name, shipped_hash, UPDATED)


def as_doc_dict(shipped: dict) -> dict:
	doc = {k: v for k, v in shipped.items() if k != STYLES_KEY}
	doc["doctype"] = "Workflow"
	doc["workflow_name"] = shipped.get("workflow_name") or shipped["name"]
	return doc


def fingerprint(workflow: dict) -> str:
	"""A hash of what an administrator can change: the settings, every state row and every transition."""

	def norm(value, fieldname):
		if fieldname in (
			"is_active",
			"override_status",
			"send_email_alert",
			"is_optional_state",
			"allow_self_approval",
		):
			return cint(value)
		return "" if value is None else str(value)

	canonical = {
		"workflow": [norm(workflow.get(f), f) for f in WORKFLOW_FIELDS],
		"states": [[norm(row.get(f), f) for f in STATE_FIELDS] for row in workflow.get("states") or []],
		"transitions": [
			[norm(row.get(f), f) for f in TRANSITION_FIELDS] for row in workflow.get("transitions") or []
		],
	}
	return hashlib.sha256(json.dumps(canonical, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def ensure_states_and_actions(shipped: dict) -> None:
	styles = shipped.get(STYLES_KEY) or {}
	for row in shipped.get("states") or []:
		if not frappe.db.exists("Workflow State", row["state"]):
			frappe.get_doc(
				{
					"doctype": "Workflow State",
					"workflow_state_name": row["state"],
					"style": styles.get(row["state"], ""),
				}
			).insert(ignore_permissions=True)
	for row in shipped.get("transitions") or []:
		if not frappe.db.exists("Workflow Action Master", row["action"]):
			frappe.get_doc(
				{"doctype": "Workflow Action Master", "workflow_action_name": row["action"]}
			).insert(ignore_permissions=True)


def get_tracker(name: str):
	tracker_name = frappe.db.get_value(TRACKER, {"ref_doctype": "Workflow", "ref_name": name})
	return frappe.get_doc(TRACKER, tracker_name) if tracker_name else None


def record(name: str, shipped_hash: str, outcome: str) -> str:
	"""Remember the shipped version just applied and the workflow's fingerprint right after."""
	tracker = get_tracker(name) or frappe.new_doc(TRACKER)
	tracker.ref_doctype = "Workflow"
	tracker.ref_name = name
	tracker.shipped_hash = shipped_hash
	tracker.applied_fingerprint = fingerprint(frappe.get_doc("Workflow", name).as_dict())
	tracker.applied_on = now_datetime()
	tracker.last_sync_note = outcome
	tracker.save(ignore_permissions=True)
	return outcome


def note(name: str, shipped_hash: str, outcome: str) -> str:
	"""Leave the workflow alone; say in the tracker why a newer shipped version was not applied."""
	tracker = get_tracker(name)
	message = outcome
	if outcome == KEPT:
		message = (
			f"{outcome}: the workflow was changed in the browser, so the shipped version {shipped_hash[:12]} "
			"was not applied. Compare it with the file in the app and merge by hand if wanted."
		)
		print(f"zongzhi_center: workflow {name!r} {message}")
	if tracker and tracker.last_sync_note != message:
		tracker.db_set("last_sync_note", message)
	return outcome
