"""Case categories made before a category named the expertise it needs: the shipped categories get the
shipped expertise, so that 在岗人员 ranks staff by what the case needs. A category an administrator has
given expertise already keeps it."""

import frappe

from zongzhi_center.setup.install import data_path, load_json


def execute():
	if not frappe.db.table_exists("ZZ Category Expertise"):
		return

	def walk(node: dict):
		yield node
		for child in node.get("children") or []:
			yield from walk(child)

	for node in walk(load_json(data_path("case_categories.json"))):
		needed = [e for e in node.get("expertise") or [] if frappe.db.exists("ZZ Expertise", e)]
		if not needed or not frappe.db.exists("ZZ Case Category", node["name"]):
			continue
		if frappe.db.exists(
			"ZZ Category Expertise", {"parenttype": "ZZ Case Category", "parent": node["name"]}
		):
			continue
		category = frappe.get_doc("ZZ Case Category", node["name"])
		for expertise in needed:
			category.append("expertise", {"expertise": expertise})
		category.save(ignore_permissions=True)
