"""Who may see a case beyond their centre, kept as Frappe document shares (which Frappe honours on every
access path, beside the centre's User Permissions):
- the first receiver (首问), wherever the case goes, and the leader who owns the case (领导包案);
- the handlers of departments summoned to an open consultation (吹哨报到) on the case, while it is open;
- the members of the case's task force (工作专班), while they serve (write access: they work the case).
The users the app shared with (and whether with write access) are kept on the case, so a share made
by hand is never taken away.

A user who reads the case as its owner needs no share for reading: a sister system's API user (or any user
whose roles read cases "if owner" and who has no centre or department role) reads the cases it sent
wherever they go, whatever its centres. No share is made for them — at a city's intake rate the share was
half of registering a case. What that rests on are the user's roles, so a change of roles syncs the cases
they first received or lead again (`after_role_change`)."""

from __future__ import annotations

import json

import frappe
from frappe.model.document import Document
from frappe.utils import getdate, today

from zongzhi_center.permissions.case import access_scope, department_handlers

NOBODY = {None, "", "Administrator", "Guest"}


def wanted(case, new: bool = False) -> dict[str, bool]:
	"""user → whether they also get write access. A case being registered has no consultation yet."""
	users: dict[str, bool] = {}
	users[case.first_receiver] = False
	users[case.leader] = False  # 领导包案: the owning leader follows the case
	for user in () if new else summoned_handlers(case.name):
		users.setdefault(user, False)
	for member in case.task_force:
		if serving(member):
			users[member.user] = True
	for user in NOBODY:
		users.pop(user, None)
	if users.get(case.owner) is False and reads_as_owner(case.owner):
		del users[case.owner]  # reads it as its owner, wherever it goes: a share would add nothing
	return users


def reads_as_owner(user: str) -> bool:
	"""Whether the user reads every case they own, by their roles alone: their roles read cases "if owner"
	(and none reads them otherwise, which User Permissions would narrow), and no centre or department role
	subjects them to the app's scoping. Centres never take an owner's case away then."""
	if access_scope(user) != "owner":
		return False
	permissions = frappe.permissions.get_role_permissions("ZZ Case", user=user, is_owner=True)
	return bool(permissions.get("if_owner", {}).get("read"))


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


def sync(case: str | Document, new: bool = False):
	"""Share the case with who should see it now, and unshare what the app shared before and no longer
	should. Only the differences touch the shares. Takes the case's name, or the case being saved (which
	saves loading it again); `new` for the case just inserted."""
	if not isinstance(case, Document):
		case = frappe.get_doc("ZZ Case", case)
	before: dict[str, bool] = json.loads(case.access_granted or "{}")
	now = wanted(case, new)
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
		# the column only, without db_set's reload of the stored case: the case being saved keeps comparing
		# itself with the case as it was before this save (its state change, its moves)
		case.access_granted = json.dumps(now, ensure_ascii=False, sort_keys=True)
		frappe.db.set_value(
			"ZZ Case", case.name, "access_granted", case.access_granted, update_modified=False
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


def after_role_change(user, method=None):
	"""User on_update: whether a user reads their own cases without a share depends on their roles, so when
	these change, the cases they first received or lead are shared (or no longer) as the roles now need.
	In the background, written to the outbox with the change of roles: a sister system may have sent a great
	many cases, and a queue that is away when the roles are saved must not lose the re-share."""
	before = user.get_doc_before_save()
	if not before or {r.role for r in before.roles} == {r.role for r in user.roles}:
		return
	from zongzhi_center.services import outbox

	waiting = frappe.db.exists(
		outbox.OUTBOX,
		{
			"effect": outbox.ACCESS_SYNC,
			"reference_doctype": "User",
			"reference_name": user.name,
			"status": outbox.WAITING,
			"attempts": 0,
		},
	)
	if not waiting:  # a re-share not yet begun reads the roles as they are when it runs
		outbox.record(outbox.ACCESS_SYNC, reference=user, user=user.name)


def sync_cases_of(user: str):
	# get_all: access is granted by the app, whoever's roles changed
	names = frappe.get_all(
		"ZZ Case",
		or_filters={"first_receiver": user, "leader": user},
		pluck="name",
		order_by="creation asc",
	)
	for i, name in enumerate(names, 1):
		sync(name)
		if i % 1000 == 0:
			frappe.db.commit()  # a sister system's many cases in steps, not one long transaction
