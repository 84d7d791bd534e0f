# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

from frappe.utils.nestedset import NestedSet


class ZZCaseCategory(NestedSet):
	nsm_parent_field = "parent_zz_case_category"
