"""Who may see a case beyond their centre, kept as Frappe document shares (which Frappe honours on every
access path, beside the centre's User Permissions):
- the first receiver (首问), wherever the case goes, and the leader who owns the case (领导包案);
- the handlers of departments summoned to an open consultation (吹哨报到) on the case, while it is open;
- the members of the case's task force (工作专班), while they serve (write access: they work the case).
The users the app shared with (and whether with write access) are kept on the case, so a share made
by hand is never taken away."""

from __future__ import annotations

import json

import frappe
from frappe.model.document import Document
from frappe.utils import getdate, today

from zongzhi_center.permissions.case import department_handlers

NOBODY = {None, "", "Administrator", "Guest"}


def wanted(case) -> dict[str, bool]:
	"""user → whether they also get write access."""
	users: dict[str, bool] = {}
	users[case.first_receiver] = False
	users[case.leader] = False  # 领导包案: the owning leader follows the case
	for user in summoned_handlers(case.name):
		users.setdefault(user, False)
	for member in case.task_force:
		if serving(member):
			users[member.user] = True
	for user in NOBODY:
		users.pop(user, None)
	return users


def serving(member) -> bool:
	day = getdate(today())
	return (not member.from_date or getdate(member.from_date) <= day) and (
		not member.to_date or day <= getdate(member.to_date)
	)


def summoned_handlers(case_name: str) -> set[str]:
	# get_all: access follows from the consultation, whoever looks
	consultations = frappe.get_all(
		"ZZ Consultation Case", filters={"parenttype": "ZZ Consultation", "case": case_name}, pluck="parent"
	)
	if not consultations:
		return set()
	open_ones = frappe.get_all(
		"ZZ Consultation", filters={"name": ["in", consultations], "status": "Open"}, pluck="name"
	)
	if not open_ones:
		return set()
	departments = frappe.get_all(
		"ZZ Consultation Department",
		filters={"parenttype": "ZZ Consultation", "parent": ["in", open_ones]},
		pluck="department",
	)
	return set(department_handlers(departments))


def sync(case: str | Document):
	"""Share the case with who should see it now, and unshare what the app shared before and no longer
	should. Only the differences touch the shares. Takes the case's name, or the case being saved (which
	saves loading it again)."""
	if not isinstance(case, Document):
		case = frappe.get_doc("ZZ Case", case)
	before: dict[str, bool] = json.loads(case.access_granted or "{}")
	now = wanted(case)
	for user, write in now.items():
		if before.get(user) != write:
			frappe.share.add_docshare(
				"ZZ Case", case.name, user, read=1, write=int(write), flags={"ignore_share_permission": True}
			)
	for user in set(before) - set(now):
		frappe.share.remove(
			"ZZ Case",
			case.name,
			user,
			flags={"ignore_share_permission": True, "ignore_permissions": True},
		)
	if now != before:
		case.db_set(
			"access_granted", json.dumps(now, ensure_ascii=False, sort_keys=True), update_modified=False
		)


def expire_task_forces():
	"""Daily: members whose service ended lose the access it gave them."""
	# get_all: the scheduler runs for every centre
	ended = frappe.get_all(
		"ZZ Task Force Member",
		filters={"parenttype": "ZZ Case", "to_date": ["<", today()]},
		pluck="parent",
		distinct=True,
	)
	for name in ended:
		sync(name)
		frappe.db.commit()
