# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ZZCategoryExpertise(Document):
	pass
