# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

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

	def remove_duplicate_handlers(self):
		seen = set()
		for row in list(self.handlers):
			if row.user in seen:
				self.remove(row)
			seen.add(row.user)
