# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils.nestedset import NestedSet

from zongzhi_center.exceptions import CenterLevelError, InvalidRegionCodeError
from zongzhi_center.utils import identity, levels


class ZZCenter(NestedSet):
	nsm_parent_field = "parent_zz_center"

	def validate(self):
		self.is_group = 0 if self.level == "Grid" else 1
		self.validate_level_below_parent()
		self.validate_region_code()

	def on_trash(self):
		# several counties may each be a root of their own tree; an empty one may be deleted like any centre
		super().on_trash(allow_root_deletion=True)

	def validate_level_below_parent(self):
		if not self.parent_zz_center:
			return
		parent_level = frappe.db.get_value("ZZ Center", self.parent_zz_center, "level")
		if levels.rank(self.level) >= levels.rank(parent_level):
			frappe.throw(
				_(
					"A {0} centre cannot sit under a {1} centre: a centre's level must be below its parent's."
				).format(_(self.level), _(parent_level)),
				exc=CenterLevelError,
				title=_("Invalid Level"),
			)

	def validate_region_code(self):
		self.region_code = identity.normalise(self.region_code)
		expected_digits = levels.REGION_CODE_DIGITS.get(self.level)
		if not self.region_code:
			self.region_name = ""
			if expected_digits:
				self.throw_region_code(
					_("A {0} centre needs its region code ({1} digits).").format(
						_(self.level), expected_digits
					)
				)
			return
		if expected_digits and len(self.region_code) != expected_digits:
			self.throw_region_code(
				_("The region code of a {0} centre has {1} digits.").format(_(self.level), expected_digits)
			)
		try:
			info = identity.region_info(self.region_code)
		except identity.InvalidIdentifier:
			self.throw_region_code(
				_("{0} is not a GB/T 2260 region code in force.").format(frappe.bold(self.region_code))
			)
		self.region_name = (
			info["province"] if info["county"] == info["province"] else f"{info['province']} {info['county']}"
		)
		self.validate_code_within_parent()

	def validate_code_within_parent(self):
		parent = self.nearest_ancestor_with_code()
		if not parent:
			return
		digits = levels.CHILD_PREFIX_DIGITS.get(parent.level, 6)
		if parent.level == "City" and parent.region_code[2:6] == "0000":
			digits = 2  # a municipality (北京市 110000) directly above its districts (1101xx)
		prefix = parent.region_code[:digits]
		if not self.region_code.startswith(prefix):
			self.throw_region_code(
				_("The region code must begin with {0}, the code of the parent centre {1}.").format(
					frappe.bold(prefix), frappe.bold(parent.name)
				)
			)

	def nearest_ancestor_with_code(self):
		name = self.parent_zz_center
		while name:
			parent = frappe.db.get_value(
				"ZZ Center", name, ["name", "level", "region_code", "parent_zz_center"], as_dict=True
			)
			if not parent:
				return None
			if parent.region_code:
				return parent
			name = parent.parent_zz_center
		return None

	def throw_region_code(self, message: str):
		frappe.throw(message, exc=InvalidRegionCodeError, title=_("Invalid Region Code"))


def region_code_for(center: str) -> str:
	"""The region code of a centre, or of its nearest ancestor when it has none (a grid)."""
	name = center
	while name:
		row = frappe.db.get_value("ZZ Center", name, ["region_code", "parent_zz_center"], as_dict=True)
		if not row:
			break
		if row.region_code:
			return row.region_code
		name = row.parent_zz_center
	return ""
