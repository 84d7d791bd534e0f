"""Cases registered before the counters meant earlier visits and calls only: each counted itself (a first
visit showed one visit), and 越级访 was ticked on any matter brought through 访源 above the petition entry
level, though only a petition can skip a level. The shipped repeat-visit risk rule keeps meaning three
visits in all."""

import frappe

from zongzhi_center.services.petitions import CALL_CHANNELS, VISIT_CHANNELS

SHIPPED_RULE = "重复信访"
SHIPPED_DESCRIPTION = "The same person has come three times or more."


def execute():
	if not frappe.db.has_column("ZZ Case", "repeat_visits"):
		return
	correct()
	move_shipped_rule()


def move_shipped_rule() -> None:
	rule = frappe.db.get_value(
		"ZZ Risk Rule", SHIPPED_RULE, ["min_repeat_visits", "description"], as_dict=True
	)
	# an administrator's own threshold stays theirs: only the shipped one, as shipped, is moved
	if rule and rule.min_repeat_visits == 3 and rule.description == SHIPPED_DESCRIPTION:
		frappe.db.set_value(
			"ZZ Risk Rule",
			SHIPPED_RULE,
			{
				"min_repeat_visits": 2,
				"description": "The same person has come three times or more (two earlier visits).",
			},
			update_modified=False,
		)


def correct(names: list[str] | None = None) -> None:
	"""The stored counters and flag of these cases (all when None) as the intake now sets them."""
	only = " and name in %(names)s" if names is not None else ""
	values = {"visits": sorted(VISIT_CHANNELS), "calls": sorted(CALL_CHANNELS), "names": names or [""]}
	frappe.db.sql(
		f"""update `tabZZ Case` set repeat_visits = repeat_visits - 1
		where channel in %(visits)s and repeat_visits > 0{only}""",
		values,
	)
	frappe.db.sql(
		f"""update `tabZZ Case` set repeat_calls = repeat_calls - 1
		where channel in %(calls)s and repeat_calls > 0{only}""",
		values,
	)
	frappe.db.sql(
		f"""update `tabZZ Case` set is_over_level = 0
		where is_over_level = 1 and ifnull(matter_type, '') != 'Petition'{only}""",
		values,
	)
