"""Personal data stored before the vault: encrypt each plaintext ID number, phone and address into its `_enc`
companion and leave only the mask in the column (services/vault.py). Rows already masked are left alone, so
the patch can run again after an interruption. Works in batches, so a county's million rows fit in memory."""

import frappe
from frappe.utils.password import encrypt

from zongzhi_center.engine import masking
from zongzhi_center.services.vault import ENC, vault_fields

BATCH = 5000


def execute():
	for doctype in frappe.get_all("DocType", filters={"is_virtual": 0, "issingle": 0}, pluck="name"):
		fields = vault_fields(doctype) if frappe.db.table_exists(doctype) else ()
		for field in fields:
			encrypt_column(doctype, field)


def encrypt_column(doctype: str, field: str) -> None:
	table = frappe.qb.DocType(doctype)
	kind = masking.kind_of(field)
	last = ""
	while True:
		rows = (
			frappe.qb.from_(table)
			.select(table.name, table[field])
			.where((table.name > last) & table[field].isnotnull() & (table[field] != ""))
			.where(table[field].not_like("%***%"))
			.orderby(table.name)
			.limit(BATCH)
			.run(as_dict=True)
		)
		if not rows:
			return
		for row in rows:
			value = row[field].strip()
			frappe.db.set_value(
				doctype,
				row.name,
				{field: masking.mask(value, kind), field + ENC: encrypt(value)},
				update_modified=False,
			)
		last = rows[-1].name
		frappe.db.commit()
