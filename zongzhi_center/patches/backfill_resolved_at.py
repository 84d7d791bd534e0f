"""ZZ Case.resolved_at for cases resolved before the field existed: the latest time each entered Resolved."""

import frappe


def execute():
	frappe.db.sql(
		"""update `tabZZ Case` c
		join (
			select parent, max(changed_at) as at from `tabZZ Case State Change`
			where parenttype = 'ZZ Case' and state = 'Resolved' group by parent
		) r on r.parent = c.name
		set c.resolved_at = r.at
		where c.resolved_at is null"""
	)
