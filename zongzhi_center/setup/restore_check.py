"""Does a backup of the centre restore? `./zz restore-check` takes a backup of a site with its files,
restores it into a new site and compares what a county relies on, as read through the app:

- the number of cases;
- every archived case file against its SHA-256 manifest;
- every stored file present with its bytes;
- the personal data (ID numbers, phones, addresses): readable with the site's encryption key, and the same;
- the workflows, the settings and the deadline rules as the administrators left them.

`fingerprint` runs on each site (`bench --site … execute`); `compare` needs no site.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

DOCTYPES_AS_LEFT = ("ZZ Settings", "ZZ Deadline Rule", "ZZ Risk Rule", "ZZ Work Calendar", "ZZ Sister System")


def digest(value) -> str:
	return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def fingerprint() -> dict:
	import frappe
	from frappe.utils.password import decrypt

	from zongzhi_center.services import casefile
	from zongzhi_center.services.vault import ENC, vault_fields

	result = {"cases": frappe.db.count("ZZ Case")}

	archived = frappe.get_all("ZZ Case", filters={"case_file": ["is", "set"]}, fields=["name", "case_number"])
	broken = [c.case_number for c in archived if casefile.verify(c.name)]
	result["case_files"] = {"archived": len(archived), "not_matching_manifest": broken}

	missing = []
	for file in frappe.get_all("File", filters={"is_folder": 0}, fields=["name", "file_url", "is_private"]):
		if file.file_url and file.file_url.startswith(("/files/", "/private/files/")):
			path = frappe.get_site_path(
				("private" if file.is_private else "public"), "files", file.file_url.split("/")[-1]
			)
			if not os.path.exists(path):
				missing.append(file.file_url)
	result["files"] = {"count": frappe.db.count("File", {"is_folder": 0}), "missing": missing}

	values, unreadable, clear = 0, 0, hashlib.sha256()
	app_doctypes = frappe.get_all(
		"DocType", filters={"module": ["in", frappe.get_module_list("zongzhi_center")]}, pluck="name"
	)
	for doctype in sorted(app_doctypes):
		fields = vault_fields(doctype)
		if not fields or frappe.get_meta(doctype).issingle:
			continue
		for row in frappe.get_all(doctype, fields=["name", *(f + ENC for f in fields)], order_by="name"):
			for field in fields:
				if row.get(field + ENC):
					values += 1
					try:
						clear.update(f"{doctype}/{row.name}/{field}={decrypt(row[field + ENC])}".encode())
					except Exception:
						unreadable += 1
	result["personal_data"] = {"values": values, "unreadable": unreadable, "sha256": clear.hexdigest()}

	result["workflows"] = {
		w.name: digest(frappe.get_doc("Workflow", w.name).as_dict(no_default_fields=True))
		for w in frappe.get_all("Workflow", fields=["name"])
	}
	as_left = {}
	for doctype in DOCTYPES_AS_LEFT:
		if frappe.get_meta(doctype).issingle:
			as_left[doctype] = digest(frappe.get_doc(doctype).as_dict())
		else:
			names = frappe.get_all(doctype, pluck="name", order_by="name")
			as_left[doctype] = digest([frappe.get_doc(doctype, n).as_dict() for n in names])
	result["as_administrators_left_it"] = as_left
	return result


DRILL_CENTER = "备份恢复演练中心"


def add_drill_case() -> None:
	"""A site that has no archived case yet (a new county, the test site) gets one for the drill, with a
	person's ID number and phone, so that every check compares something. `remove_drill_case` takes it away."""
	import frappe

	from zongzhi_center.services import casefile

	if frappe.db.exists("ZZ Case", {"case_file": ["is", "set"]}) or frappe.db.exists(
		"ZZ Center", DRILL_CENTER
	):
		return
	frappe.set_user("Administrator")
	frappe.get_doc(
		{"doctype": "ZZ Center", "center_name": DRILL_CENTER, "level": "County", "region_code": "110105"}
	).insert()
	case = frappe.get_doc(
		{
			"doctype": "ZZ Case",
			"title": "备份恢复演练案件",
			"facts": "用于核对备份能否完整恢复的演练案件。",
			"matter_type": "Dispute Mediation",
			"source": "Petition Source",
			"channel": "Window",
			"receiving_center": DRILL_CENTER,
			"parties": [
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": "演练申请人",
					"id_number": "11010519491231002X",
					"phone": "13800138000",
					"address": "演练地址1号",
				}
			],
		}
	).insert()
	casefile.build(case.name)
	frappe.db.commit()


def remove_drill_case() -> None:
	import frappe

	if not frappe.db.exists("ZZ Center", DRILL_CENTER):
		return
	frappe.set_user("Administrator")
	for name in frappe.get_all("ZZ Case", filters={"receiving_center": DRILL_CENTER}, pluck="name"):
		for file in frappe.get_all(
			"File", filters={"attached_to_doctype": "ZZ Case", "attached_to_name": name}, pluck="name"
		):
			frappe.delete_doc("File", file, force=True, ignore_permissions=True)
		frappe.delete_doc("ZZ Case", name, force=True, ignore_permissions=True)
	frappe.delete_doc("ZZ Center", DRILL_CENTER, force=True, ignore_permissions=True)
	frappe.db.commit()


def save_fingerprint(path: str) -> None:
	with open(path, "w") as f:
		json.dump(fingerprint(), f)


def compare(before: dict, after: dict) -> list[str]:
	"""What the restored site lacks or reads differently; empty when the backup restored."""
	problems = []
	if after["cases"] != before["cases"]:
		problems.append(f"cases: {before['cases']} backed up, {after['cases']} restored")
	if after["case_files"]["archived"] != before["case_files"]["archived"]:
		problems.append("archived case files: the number differs")
	if after["case_files"]["not_matching_manifest"]:
		problems.append(
			f"case files not matching their manifest: {after['case_files']['not_matching_manifest']}"
		)
	lost = sorted(set(after["files"]["missing"]) - set(before["files"]["missing"]))
	if after["files"]["count"] != before["files"]["count"] or lost:
		problems.append(
			f"files: {before['files']['count']} backed up, {after['files']['count']} restored, lost {lost[:10]}"
		)
	if after["personal_data"]["unreadable"]:
		problems.append(
			f"personal data: {after['personal_data']['unreadable']} of {after['personal_data']['values']} values "
			"cannot be read (the site's encryption key did not travel with the backup)"
		)
	elif after["personal_data"] != before["personal_data"]:
		problems.append("personal data: the restored values differ")
	for key in ("workflows", "as_administrators_left_it"):
		for name, value in before[key].items():
			if after[key].get(name) != value:
				problems.append(f"{name}: differs from the backed-up site")
	return problems


def main(before_path: str, after_path: str) -> int:
	before, after = (json.load(open(p)) for p in (before_path, after_path))
	problems = compare(before, after)
	print(
		f"restore-check: {before['cases']} cases, {before['case_files']['archived']} archived case files, "
		f"{before['files']['count']} files, {before['personal_data']['values']} personal-data values, "
		f"{len(before['workflows'])} workflows"
	)
	for problem in problems:
		print(f"restore-check: FAILED {problem}")
	print("restore-check: " + ("FAILED" if problems else "the backup restored in full"))
	return 1 if problems else 0


if __name__ == "__main__":
	sys.exit(main(*sys.argv[1:3]))
