"""Open cases get their first overdue grade: those the deadline job already reported as overdue (or saw
due soon) are recorded as acted on, so upgrading sends no second notice; every running case is looked at
by the next run of the job."""

import frappe
from frappe.utils import now_datetime


def execute():
	for status in ("Overdue", "Due Soon"):
		frappe.db.sql(
			"""update `tabZZ Case` set overdue_grade = %(status)s, overdue_grade_notified = %(status)s
			where sla_status = %(status)s and ifnull(overdue_grade_notified, '') = ''""",
			{"status": status},
		)
	frappe.db.sql(
		"""update `tabZZ Case` set sla_next_check = %s
		where sla_status in ('On Track', 'Due Soon', 'Overdue') and sla_next_check is null""",
		(now_datetime(),),
	)
