"""Does a centre's database survive the upgrade to this release? `./zz upgrade-check` makes a site with the
previous release's code (demo data, and changes an administrator makes), migrates it with this code and
compares, as read through the app:

- the number of records of every DocType of the app (and of the framework's records it relies on): none lost;
- a sample of cases, every field and child row that both releases have: the same values;
- the personal data (ID numbers, phones, addresses): readable with the site's key, and the same;
- every archived case file against its SHA-256 manifest;
- the workflows and the settings as the administrators left them (an edited workflow is theirs: the upgrade
  keeps it; a setting new in this release only adds a field).

The module runs under both releases, from a copy outside the app (so it imports only what both have):
`python upgrade_check.py --site SITE changes | settle | fingerprint PATH` in the bench's sites folder, and
`python upgrade_check.py BEFORE AFTER` to compare.
A value a patch of this release changes on purpose is listed in CHANGED_ON_PURPOSE, with its reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

SAMPLE = 200  # cases compared field by field: a demo site's every case, a county's first two hundred
FRAMEWORK_DOCTYPES = (
	"User",
	"Has Role",
	"File",
	"Workflow",
	"Workflow Transition",
	"Notification",
	"Webhook",
)
AS_LEFT = ("ZZ Settings", "ZZ Deadline Rule", "ZZ Risk Rule", "ZZ Work Calendar", "ZZ Sister System")
VOLATILE = {
	"modified",
	"modified_by",
	"_user_tags",
	"_comments",
	"_assign",
	"_liked_by",
	"_seen",
	"docstatus_label",
}
EMPTY = (None, "", [], {})
# (DocType, field): why this release's patches change the stored value
CHANGED_ON_PURPOSE: dict[tuple[str, str], str] = {}

# what the drill's administrator changes before the upgrade (values the shipped defaults never have)
SETTINGS_CHANGED = {
	"default_accept_hours": 36,
	"tracking_requests_per_minute": 45,
	"follow_up_offsets": "10, 40",
}


def plain(value):
	"""A value as JSON keeps it: dates as text, child rows as lists of their fields."""
	return json.loads(json.dumps(value, default=str, sort_keys=True))


def record(doc) -> dict:
	"""A document's fields and child rows, without what every save changes."""
	values = {}
	for key, value in doc.as_dict(convert_dates_to_str=True).items():
		if key in VOLATILE:
			continue
		if isinstance(value, list):
			value = [{k: v for k, v in row.items() if k not in VOLATILE} for row in value]
		values[key] = plain(value)
	return values


def app_doctypes() -> list[str]:
	import frappe

	return frappe.get_all(
		"DocType",
		filters={"module": ["in", frappe.get_module_list("zongzhi_center")], "issingle": 0, "is_virtual": 0},
		pluck="name",
		order_by="name",
	)


def administrators_changes() -> None:
	"""What an administrator changes on a site before it is upgraded, through the forms: settings, and the
	case workflow (from then on theirs, not the release's)."""
	import frappe
	from frappe.model.workflow import get_workflow_name

	frappe.set_user("Administrator")
	settings = frappe.get_doc("ZZ Settings")
	settings.update(SETTINGS_CHANGED)
	settings.save()
	workflow = frappe.get_doc("Workflow", get_workflow_name("ZZ Case"))
	workflow.send_email_alert = 0 if workflow.send_email_alert else 1
	workflow.save()
	frappe.db.commit()


def fingerprint() -> dict:
	import frappe

	import zongzhi_center
	from zongzhi_center.services import casefile, vault

	frappe.set_user("Administrator")
	counts = {dt: frappe.db.count(dt) for dt in [*app_doctypes(), *FRAMEWORK_DOCTYPES]}

	names = frappe.get_all("ZZ Case", order_by="name asc", pluck="name", limit=SAMPLE)
	cases = {name: record(frappe.get_doc("ZZ Case", name)) for name in names}

	values, unreadable, clear = 0, 0, hashlib.sha256()
	for doctype in app_doctypes():
		fields = vault.vault_fields(doctype)
		if not fields:
			continue
		columns = ["name", *fields, *(f + vault.ENC for f in fields)]
		for row in frappe.get_all(doctype, fields=columns, order_by="name"):
			for field in fields:
				if not row.get(field + vault.ENC):
					continue
				values += 1
				try:
					clear.update(f"{doctype}/{row.name}/{field}={vault.plaintext(row, field)}".encode())
				except Exception:
					unreadable += 1

	archived = frappe.get_all("ZZ Case", filters={"case_file": ["is", "set"]}, pluck="name")
	as_left = {}
	for doctype in AS_LEFT:
		if frappe.get_meta(doctype).issingle:
			as_left[doctype] = {doctype: record(frappe.get_doc(doctype))}
		else:
			as_left[doctype] = {
				n: record(frappe.get_doc(doctype, n))
				for n in frappe.get_all(doctype, pluck="name", order_by="name")
			}
	as_left["Workflow"] = {
		w: record(frappe.get_doc("Workflow", w))
		for w in frappe.get_all("Workflow", pluck="name", order_by="name")
	}
	return {
		"code": os.path.dirname(zongzhi_center.__file__),  # which release read the site
		"counts": counts,
		"cases": cases,
		"personal_data": {"values": values, "unreadable": unreadable, "sha256": clear.hexdigest()},
		"case_files": {
			"archived": len(archived),
			"not_matching_manifest": [n for n in archived if casefile.verify(n)],
		},
		"as_left": as_left,
	}


def save_fingerprint(path: str) -> None:
	with open(path, "w") as f:
		json.dump(fingerprint(), f, ensure_ascii=False)


def differences(doctype: str, name: str, before: dict, after: dict) -> list[str]:
	"""The fields both releases have whose values differ, not counting a change made on purpose."""
	problems = []
	for field, value in before.items():
		if field not in after or (doctype, field) in CHANGED_ON_PURPOSE:
			continue
		if isinstance(value, list) and isinstance(after[field], list):
			if len(value) != len(after[field]):
				problems.append(f"{doctype} {name}: {field} had {len(value)} rows, has {len(after[field])}")
				continue
			for i, (row, new_row) in enumerate(zip(value, after[field], strict=True)):
				child = row.get("doctype") or field
				problems += differences(child, f"{name} {field}[{i}]", row, new_row)
		elif after[field] != value and value not in EMPTY:  # a blank a job or a patch filled in is no loss
			problems.append(f"{doctype} {name}: {field} was {value!r}, is {after[field]!r}")
	return problems


def compare(before: dict, after: dict) -> tuple[list[str], list[str]]:
	"""(what the upgrade lost or changed, what it added)."""
	problems, added = [], []
	for doctype, count in before["counts"].items():
		now = after["counts"].get(doctype)
		if now is None:
			problems.append(f"{doctype}: gone ({count} records before)")
		elif now < count:
			problems.append(f"{doctype}: {count} records before, {now} after")
		elif now > count:
			added.append(f"{doctype}: {now - count} records added by the upgrade")
	for name, fields in before["cases"].items():
		if name not in after["cases"]:
			problems.append(f"ZZ Case {name}: gone")
			continue
		problems += differences("ZZ Case", name, fields, after["cases"][name])
	if after["personal_data"]["unreadable"]:
		problems.append(f"personal data: {after['personal_data']['unreadable']} values cannot be read")
	elif after["personal_data"] != before["personal_data"]:
		problems.append("personal data: the values read after the upgrade differ")
	if after["case_files"]["archived"] < before["case_files"]["archived"]:
		problems.append("archived case files: fewer after the upgrade")
	if after["case_files"]["not_matching_manifest"]:
		problems.append(
			f"case files not matching their manifest: {after['case_files']['not_matching_manifest']}"
		)
	for doctype, records in before["as_left"].items():
		for name, fields in records.items():
			if name not in after["as_left"].get(doctype, {}):
				problems.append(f"{doctype} {name}: gone")
				continue
			problems += differences(doctype, name, fields, after["as_left"][doctype][name])
	settings = after["as_left"]["ZZ Settings"]["ZZ Settings"]
	for field, value in SETTINGS_CHANGED.items():
		if str(settings.get(field)) != str(value):
			problems.append(
				f"ZZ Settings: {field} is {settings.get(field)!r}, the administrator set {value!r}"
			)
	return problems, added


def settle(timeout: int = 180) -> None:
	"""Wait until the workers have run the site's queued jobs (the case files the demo's archived cases
	ask for), so that the fingerprint reads the site as its release left it; with no worker running (CI),
	the jobs stay queued through the upgrade, as they would on a server stopped for it."""
	import time

	import frappe
	from frappe.utils.background_jobs import get_jobs, get_workers

	if not get_workers():
		return
	deadline = time.monotonic() + timeout
	while get_jobs(site=frappe.local.site).get(frappe.local.site):
		if time.monotonic() > deadline:
			print(f"upgrade-check: jobs of {frappe.local.site} still queued after {timeout}s")
			return
		time.sleep(2)


def on_site(site: str, action: str, *args: str) -> int:
	"""Run ``administrators_changes``, ``settle`` or ``save_fingerprint`` on a site, from the bench's sites folder, with
	whichever release is first on the Python path (``bench execute`` runs only what an installed app holds)."""
	import frappe

	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		{"changes": administrators_changes, "settle": settle, "fingerprint": save_fingerprint}[action](*args)
		frappe.db.commit()
	finally:
		frappe.destroy()
	return 0


def main(before_path: str, after_path: str) -> int:
	before, after = (json.load(open(p)) for p in (before_path, after_path))
	problems, added = compare(before, after)
	print(f"upgrade-check: made by the code in {before['code']}, migrated and read by {after['code']}")
	print(
		f"upgrade-check: {before['counts'].get('ZZ Case', 0)} cases ({len(before['cases'])} compared field by "
		f"field), {len(before['counts'])} DocTypes counted, {before['personal_data']['values']} personal-data "
		f"values, {before['case_files']['archived']} archived case files, "
		f"{sum(len(r) for r in before['as_left'].values())} settings, rules and workflows"
	)
	for line in added:
		print(f"upgrade-check: {line}")
	for problem in problems[:50]:
		print(f"upgrade-check: FAILED {problem}")
	print("upgrade-check: " + ("FAILED" if problems else "the previous release's site migrated without loss"))
	return 1 if problems else 0


if __name__ == "__main__":
	if sys.argv[1] == "--site":  # --site SITE changes | settle | fingerprint PATH
		sys.exit(on_site(*sys.argv[2:]))
	sys.exit(main(*sys.argv[1:3]))
