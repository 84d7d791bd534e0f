"""The administrator's calendars and rules, read from their DocTypes into the engine's plain objects.

Read with frappe.get_all: rules apply to every case whoever saves it, so reading them must not depend
on the saving user's permissions. Cached in Redis, cleared when a calendar, rule or ZZ Settings changes.
"""

from __future__ import annotations

import frappe
from frappe.utils import cint, flt, getdate
from frappe.utils.nestedset import get_ancestors_of

from zongzhi_center.engine.deadlines import Budget, DeadlineRule
from zongzhi_center.engine.risk import RiskRule, split_keywords
from zongzhi_center.engine.worktime import WorkCalendar

CACHE_KEY = "zz_rules"


def clear_cache(doc=None, method=None):
	frappe.cache().delete_value(CACHE_KEY)
	frappe.local.zz_category_paths = None


def _cached(field: str, generator):
	return frappe.cache().hget(CACHE_KEY, field, generator)


def calendar_from_doc(doc) -> WorkCalendar:
	weekend = [day for day, off in ((5, doc.saturday_off), (6, doc.sunday_off)) if cint(off)]
	return WorkCalendar.build(
		periods=[(str(p.from_time), str(p.to_time)) for p in doc.periods],
		weekend=weekend,
		holidays=[getdate(d.day) for d in doc.days if d.day_type == "Holiday"],
		workdays=[getdate(d.day) for d in doc.days if d.day_type == "Working Day"],
	)


def work_calendar() -> WorkCalendar:
	"""The calendar named in ZZ Settings; Monday–Friday 08:30–12:00, 14:00–17:30 when none is."""

	def load():
		name = frappe.db.get_single_value("ZZ Settings", "work_calendar")
		if not name:
			return WorkCalendar()
		return calendar_from_doc(frappe.get_doc("ZZ Work Calendar", name))

	return _cached("calendar", load)


def deadline_rules() -> list[DeadlineRule]:
	def load():
		rows = frappe.get_all(
			"ZZ Deadline Rule",
			filters={"enabled": 1},
			fields=[
				"name",
				"tier",
				"category",
				"risk_color",
				"accept_value",
				"accept_unit",
				"resolve_value",
				"resolve_unit",
				"calendar_time",
				"auto_escalate",
				"matter_type",
				"review_level",
				"warn_before_days",
				"moderate_after_days",
				"serious_after_days",
			],
		)
		return [deadline_rule_from_row(row) for row in rows]

	return _cached("deadline_rules", load)


def legal_source(rule_name: str | None) -> str | None:
	"""The law and article a deadline rule names, as the case form and its prints state it."""
	if not rule_name:
		return None

	def load():
		# get_all: a rule's source is stated on every case it applies to, whoever reads it
		return dict(frappe.get_all("ZZ Deadline Rule", fields=["name", "legal_source"], as_list=True))

	return _cached("legal_sources", load).get(rule_name)


def deadline_rule_from_row(row) -> DeadlineRule:
	def budget(value, unit):
		return Budget(flt(value), unit) if flt(value) > 0 else None

	return DeadlineRule(
		name=row.name,
		accept=budget(row.accept_value, row.accept_unit),
		resolve=budget(row.resolve_value, row.resolve_unit),
		tier=row.tier or None,
		category=row.category or None,
		colour=row.risk_color or None,
		calendar_time=bool(cint(row.calendar_time)),
		auto_escalate=bool(cint(row.auto_escalate)),
		matter_type=row.get("matter_type") or None,
		review_level=row.get("review_level") or None,
		# zero means "not set", as an empty field does: the settings' warning, no further grade
		warn_before_days=cint(row.get("warn_before_days")) or None,
		moderate_after_days=cint(row.get("moderate_after_days")) or None,
		serious_after_days=cint(row.get("serious_after_days")) or None,
	)


def risk_rules() -> list[RiskRule]:
	def load():
		rules = []
		for name in frappe.get_all("ZZ Risk Rule", filters={"enabled": 1}, pluck="name"):
			rules.append(risk_rule_from_doc(frappe.get_doc("ZZ Risk Rule", name)))
		return rules

	return _cached("risk_rules", load)


def risk_rule_from_doc(doc) -> RiskRule:
	# zero in a number condition means "not a condition", as an empty field does
	return RiskRule(
		name=doc.name,
		colour=doc.risk_color,
		categories=frozenset(row.category for row in doc.categories),
		sources=frozenset([doc.source]) if doc.source else frozenset(),
		keywords=split_keywords(doc.keywords),
		min_parties=cint(doc.min_parties) or None,
		min_amount=flt(doc.min_amount) or None,
		min_repeat_visits=cint(doc.min_repeat_visits) or None,
		title=doc.rule_name,
	)


def category_path(category: str | None) -> list[str]:
	"""The category and its ancestors, nearest first."""
	if not category:
		return []
	# remembered for the request or job: the deadline job asks for the same few categories many times
	paths = getattr(frappe.local, "zz_category_paths", None)
	if paths is None:
		paths = frappe.local.zz_category_paths = {}
	if category not in paths:
		paths[category] = [category, *get_ancestors_of("ZZ Case Category", category, order_by="lft desc")]
	return list(paths[category])


def settings_states(fieldname: str) -> frozenset[str]:
	def load():
		return frozenset(
			frappe.get_all(
				"ZZ Paused State",
				filters={"parenttype": "ZZ Settings", "parent": "ZZ Settings", "parentfield": fieldname},
				pluck="workflow_state",
			)
		)

	return _cached(fieldname, load)
