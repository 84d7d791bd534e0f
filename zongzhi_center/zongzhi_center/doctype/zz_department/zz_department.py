# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

# departments of these types take cases handed to them for mediation (人民调解委员会, 行业调解, 品牌调解室,
# 劳动人事争议仲裁庭, 速裁法庭)
MEDIATION_TYPES = frozenset(
	{
		"People's Mediation Committee",
		"Trade Mediation Committee",
		"Mediation Studio",
		"Labour Arbitration Tribunal",
		"Fast-track Court Tribunal",
		"Health and Medical Mediation",
	}
)


class ZZDepartment(Document):
	def validate(self):
		self.is_mediation_org = 1 if self.department_type in MEDIATION_TYPES else 0
		self.remove_duplicate_handlers()

	def on_update(self):
		self.warn_without_takers()

	def onload(self):
		from zongzhi_center.services.dispatch import department_takers

		self.set_onload("zz_takers", [frappe.utils.get_fullname(u) for u in department_takers(self)])

	def warn_without_takers(self):
		"""A department that receives cases needs somebody who can take them. Not refused: a department
		is recorded before its people (their staff records link to it); the case routed to it while
		nobody can take it is flagged to the dispatcher."""
		from zongzhi_center.services.dispatch import department_takers

		if self.is_active and not department_takers(self):
			frappe.msgprint(
				_(
					"Nobody can take the cases routed to {0} yet: add a handler user with the Department Handler role, or a stationed staff member whose desk user is a mediator at {1}."
				).format(frappe.bold(self.department_name), self.center),
				title=_("Nobody to Take Cases"),
				indicator="orange",
			)

	def remove_duplicate_handlers(self):
		seen = set()
		for row in list(self.handlers):
			if row.user in seen:
				self.remove(row)
			seen.add(row.user)
