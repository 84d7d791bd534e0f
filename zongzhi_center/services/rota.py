"""The rota on real records: stationed staff, their duty slots, expertise, recorded absences and open
cases, turned into the engine's plain objects to answer "who is here now" and "whom to pick"."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from zongzhi_center.engine import rota
from zongzhi_center.services import rules
from zongzhi_center.services import workflow_names as wn

ABSENT_STATUSES = ("Absent", "Leave")


def staff_for(center: str | None, day: date) -> list[rota.Staff]:
	"""Stationed staff the session user may see (their centre's), as the engine's Staff records."""
	filters = {"center": center} if center else {}
	# get_list: only staff of the centres the user works for
	members = frappe.get_list(
		"ZZ Stationed Staff",
		filters=filters,
		fields=["name", "mode", "active_from", "active_to"],
		limit_page_length=0,
	)
	if not members:
		return []
	names = [m.name for m in members]
	# the rows below belong to staff the user may already see; get_all reads them without re-checking
	slots, expertise = {}, {}
	for row in frappe.get_all(
		"ZZ Duty Slot",
		filters={"parenttype": "ZZ Stationed Staff", "parent": ["in", names]},
		fields=["parent", "weekday", "half_day"],
	):
		slots.setdefault(row.parent, set()).add((row.weekday, row.half_day))
	for row in frappe.get_all(
		"ZZ Staff Expertise",
		filters={"parenttype": "ZZ Stationed Staff", "parent": ["in", names]},
		fields=["parent", "expertise"],
	):
		expertise.setdefault(row.parent, set()).add(row.expertise)
	absences = {}
	for row in frappe.get_all(
		"ZZ Staff Attendance",
		filters={"staff": ["in", names], "attendance_date": day, "status": ["in", ABSENT_STATUSES]},
		fields=["staff", "attendance_date", "half_day"],
	):
		absences.setdefault(row.staff, set()).add((getdate(row.attendance_date), row.half_day))
	workload = open_cases(names)
	return [
		rota.Staff(
			name=m.name,
			mode=m.mode,
			slots=frozenset(slots.get(m.name, ())),
			expertise=frozenset(expertise.get(m.name, ())),
			active_from=getdate(m.active_from) if m.active_from else None,
			active_to=getdate(m.active_to) if m.active_to else None,
			open_cases=workload.get(m.name, 0),
			absences=frozenset(absences.get(m.name, ())),
		)
		for m in members
	]


def open_cases(staff: list[str]) -> Counter:
	finished = list(rules.settings_states("stopped_states")) or list(wn.states("closed"))
	# get_all: a workload count, not the cases themselves, is shown
	rows = frappe.get_all(
		"ZZ Case",
		filters={"assigned_mediator": ["in", staff], "workflow_state": ["not in", finished]},
		fields=["assigned_mediator", "count(name) as open_cases"],
		group_by="assigned_mediator",
	)
	return Counter({row.assigned_mediator: row.open_cases for row in rows})


def suggestions(center: str | None, at: datetime, expertise: list[str]) -> list[dict]:
	calendar = rules.work_calendar()
	found = rota.suggest(staff_for(center, at.date()), at, calendar, expertise)
	names = (
		{
			row.name: row.full_name
			for row in frappe.get_all(
				"ZZ Stationed Staff",
				filters={"name": ["in", [s.staff.name for s in found]]},
				fields=["name", "full_name"],
			)
		}
		if found
		else {}
	)
	return [
		{
			"staff": s.staff.name,
			"full_name": names.get(s.staff.name),
			"mode": s.staff.mode,
			"availability": s.availability,
			# for people: the stored values are the rota's keys, shown in the user's language
			"mode_label": _(s.staff.mode),
			"availability_label": _(s.availability),
			"matched_expertise": sorted(s.matched),
			"open_cases": s.staff.open_cases,
		}
		for s in found
	]


def roster(center: str | None, day: date) -> list[dict]:
	rows = rota.day_roster(staff_for(center, day), day, rules.work_calendar())
	return [
		{
			"staff": r.staff.name,
			"mode": r.staff.mode,
			"morning": r.morning,
			"afternoon": r.afternoon,
			"mode_label": _(r.staff.mode),
			"morning_label": _(r.morning),
			"afternoon_label": _(r.afternoon),
		}
		for r in rows
	]


def mark_absences(day: date | None = None, commit: bool = True) -> int:
	"""Daily: a rotating staff member on the rota for a half-day of ``day`` (default yesterday) with no
	attendance record for it is recorded absent, so that absences show on the rota and in supervision."""
	day = day or getdate(add_days(today(), -1))
	calendar = rules.work_calendar()
	if not calendar.is_working_day(day):
		return 0
	weekday = rota.WEEKDAYS[day.weekday()]
	# get_all: the scheduler records attendance for every centre
	slots = frappe.get_all(
		"ZZ Duty Slot",
		filters={"parenttype": "ZZ Stationed Staff", "weekday": weekday},
		fields=["parent", "half_day"],
	)
	created = 0
	for slot in slots:
		staff = frappe.db.get_value(
			"ZZ Stationed Staff", slot.parent, ["mode", "active_from", "active_to"], as_dict=True
		)
		member = rota.Staff(
			name=slot.parent,
			mode=staff.mode,
			active_from=getdate(staff.active_from) if staff.active_from else None,
			active_to=getdate(staff.active_to) if staff.active_to else None,
		)
		if staff.mode != rota.ROTATING or not member.active_on(day):
			continue
		halves = (
			("Full Day", "Morning", "Afternoon")
			if slot.half_day == "Full Day"
			else ("Full Day", slot.half_day)
		)
		recorded = {"staff": slot.parent, "attendance_date": day, "half_day": ["in", halves]}
		# a second run of the job at the same moment waits here, then finds the absence recorded
		frappe.db.sql("select name from `tabZZ Stationed Staff` where name = %s for update", (slot.parent,))
		if frappe.db.exists("ZZ Staff Attendance", recorded):
			continue
		frappe.get_doc(
			{
				"doctype": "ZZ Staff Attendance",
				"staff": slot.parent,
				"attendance_date": day,
				"half_day": slot.half_day,
				"status": "Absent",
				"note": _("No check-in on a duty half-day: recorded by the system."),
			}
		).insert(ignore_permissions=True)
		created += 1
	if commit:
		frappe.db.commit()
	return created


# a half-day's boundary for check-in and check-out
NOON = time(12, 0)
# who may record attendance for any stationed staff member, not only their own
ATTENDANCE_KEEPERS = frozenset({wn.DISPATCHER, wn.CENTER_DIRECTOR, "System Manager"})


def own_staff_record(user: str) -> str | None:
	"""The active stationed-staff record of ``user`` today, if any."""
	day = getdate(today())
	# get_all: the user's own record, looked up to let them check in
	for row in frappe.get_all(
		"ZZ Stationed Staff",
		filters={"user": user},
		fields=["name", "mode", "active_from", "active_to"],
		order_by="active_from desc",
	):
		member = rota.Staff(
			name=row.name,
			mode=row.mode,
			active_from=getdate(row.active_from) if row.active_from else None,
			active_to=getdate(row.active_to) if row.active_to else None,
		)
		if member.active_on(day):
			return row.name
	return None


def check_in_out(user: str, now: datetime) -> frappe._dict:
	"""考勤: the first call of a half-day checks the staff member in, the next checks them out."""
	staff = own_staff_record(user)
	if not staff:
		frappe.throw(
			_("You are not an active stationed staff member, so there is no attendance to record."),
			frappe.DoesNotExistError,
			title=_("Not Stationed Staff"),
		)
	half_day = "Morning" if now.time() < NOON else "Afternoon"
	name = frappe.db.get_value(
		"ZZ Staff Attendance",
		{"staff": staff, "attendance_date": now.date(), "half_day": ["in", (half_day, "Full Day")]},
	)
	doc = (
		frappe.get_doc("ZZ Staff Attendance", name)
		if name
		else frappe.new_doc("ZZ Staff Attendance").update(
			{"staff": staff, "attendance_date": now.date(), "half_day": half_day}
		)
	)
	if not doc.check_in:
		doc.update({"check_in": now, "status": "Present"})
	else:
		doc.check_out = now
	doc.save()
	return frappe._dict(name=doc.name, half_day=doc.half_day, check_in=doc.check_in, check_out=doc.check_out)
