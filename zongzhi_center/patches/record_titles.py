"""Summonses and supervision notices made before they had a title of their own: lists, links and the
timeline showed their random names. They are known by their case number, and by addressee and date."""

import frappe

from zongzhi_center.zongzhi_center.doctype.zz_supervision_notice.zz_supervision_notice import notice_title


def execute():
	if frappe.db.has_column("ZZ Summons", "case_number"):
		for name, case in frappe.get_all(
			"ZZ Summons", filters={"case_number": ("is", "not set")}, fields=["name", "case"], as_list=True
		):
			number = frappe.db.get_value("ZZ Case", case, "case_number")
			if number:
				frappe.db.set_value("ZZ Summons", name, "case_number", number, update_modified=False)
	if frappe.db.has_column("ZZ Supervision Notice", "title"):
		for row in frappe.get_all(
			"ZZ Supervision Notice",
			filters={"title": ("is", "not set")},
			fields=["name", "to_department", "to_center", "issued_on"],
		):
			frappe.db.set_value(
				"ZZ Supervision Notice",
				row.name,
				"title",
				notice_title(row.to_department or row.to_center, row.issued_on),
				update_modified=False,
			)
