"""The personal-data vault (个人信息保护): ID numbers, phones and addresses of people are kept encrypted at rest.

A field `X` is in the vault when its DocType also has a field `X_enc` — nothing else names the fields, so a new
DocType (or a custom field pair an administrator adds) is covered without a code change. On every save:

- `X` holds the masked value only (`430921********4544`, `139****9999`; engine/masking.py). It is what every
  generic path of Frappe can reach — lists, filters, counts, group-bys, exports, versions, prints, REST, the
  database dump — and nothing more can be learnt from it.
- `X_enc` holds the plaintext encrypted with the site's key (Frappe's Fernet encryption, as for passwords). It
  is at a permission level no role is given, so Frappe strips it from every answer.

A value the user typed is encrypted and masked; a value still equal to the stored mask keeps the stored
ciphertext; a masked value that does not belong to that row is refused (it cannot be turned back into the
number). Plaintext comes back to a person through `reveal` only (api/personal_data.py and the print helper),
which checks read permission on the stored parent record and the field's permission level, and writes each
reveal to the append-only ZZ Personal Data Access log (查看留痕). `plaintext` is for the app's own processing
(keys for duplicate detection, anonymising typical cases) and never leaves the server.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime
from frappe.utils.password import decrypt, encrypt

from zongzhi_center.engine import masking
from zongzhi_center.exceptions import MaskedValueError, PersonalDataNotPermittedError

ENC = "_enc"
ACCESS_LOG = "ZZ Personal Data Access"
CENTER_FIELDS = ("current_center", "center", "receiving_center")


# ---------------------------------------------------------------- which fields


def vault_fields(doctype: str) -> tuple[str, ...]:
	"""Fields of the DocType kept in the vault: those with an `_enc` companion."""
	meta = frappe.get_meta(doctype)
	names = {df.fieldname for df in meta.fields}
	return tuple(
		df.fieldname for df in meta.fields if not df.fieldname.endswith(ENC) and df.fieldname + ENC in names
	)


def vault_tables(doctype: str) -> list[tuple[str, str, tuple[str, ...]]]:
	"""(table fieldname, child DocType, vault fields) of the DocType's child tables that hold personal data."""
	tables = []
	for table in frappe.get_meta(doctype).get_table_fields():
		fields = vault_fields(table.options)
		if fields:
			tables.append((table.fieldname, table.options, fields))
	return tables


# ---------------------------------------------------------------- on save


def protect(doc, method=None):
	"""doc_events "*" validate: after the controller checked and normalised what was typed, every vault field
	of the document and its rows is replaced by its mask, the plaintext going encrypted into `X_enc`."""
	if doc.meta.istable:
		return
	before, key = (None if doc.is_new() else doc.get_doc_before_save()), "name"
	if doc.is_new() and doc.get("amended_from"):
		# an amendment copies the cancelled document's rows under new names: the same row is the same idx
		before, key = frappe.get_doc(doc.doctype, doc.amended_from), "idx"
	fields = vault_fields(doc.doctype)
	if fields:
		protect_row(doc, before, fields)
	for fieldname, _child, child_fields in vault_tables(doc.doctype):
		stored = {row.get(key): row for row in (before.get(fieldname) if before else [])}
		for row in doc.get(fieldname):
			protect_row(row, stored.get(row.get(key)), child_fields)


def protect_row(row, stored, fields) -> None:
	for field in fields:
		value = row.get(field)
		value = value.strip() if isinstance(value, str) else value
		if not value:
			row.set(field, None)
			row.set(field + ENC, None)
			continue
		if stored is not None and value == stored.get(field) and stored.get(field + ENC):
			row.set(field + ENC, stored.get(field + ENC))  # unchanged: whatever the client sent beside it
			continue
		if row.flags.zz_vault_copied and row.get(field + ENC):
			plain = decrypt(row.get(field + ENC))
			if masking.mask(plain, masking.kind_of(field)) == value:
				continue
		if masking.is_masked(value):
			frappe.throw(
				_(
					"Row {0}: {1} shows only part of the value; enter it in full, or leave it as it was."
				).format(row.idx or 1, _(row.meta.get_label(field))),
				exc=MaskedValueError,
				title=_("Incomplete Value"),
			)
		row.set(field + ENC, encrypt(value))
		row.set(field, masking.mask(value, masking.kind_of(field)))


def stored_row(row):
	"""The row (or document) as stored before this save, or None for a new one."""
	if row.meta.istable:
		parent = row.parent_doc
		before = parent.get_doc_before_save() if parent and not parent.is_new() else None
		return next((r for r in (before.get(row.parentfield) if before else []) if r.name == row.name), None)
	return None if row.is_new() else row.get_doc_before_save()


def value_of(row, field: str) -> str:
	"""The person's value during a save, in clear, for the app's own processing (identity keys): what was
	typed, or — where the stored mask was left as it was — the stored value."""
	value = row.get(field) or ""
	if not masking.is_masked(value):
		return value
	stored = stored_row(row)
	enc = stored.get(field + ENC) if stored is not None and stored.get(field) == value else None
	if not enc and row.flags.zz_vault_copied:
		enc = row.get(field + ENC)
	return decrypt(enc) if enc else ""


def copy_into(source, target) -> None:
	"""Carry a person's vault fields from one row to another (a case's party into its agreement): the mask and
	the ciphertext travel together, and the target accepts them as they are — the fields the user may read
	on the source only."""
	parent = source.parenttype if source.meta.istable else source.doctype
	levels = permlevels(parent)
	readable = {f for f in vault_fields(source.doctype) if source.meta.get_field(f).permlevel in levels}
	for field in vault_fields(target.doctype):
		if field in readable:
			target.set(field, source.get(field))
			target.set(field + ENC, source.get(field + ENC))
	target.flags.zz_vault_copied = True


# ---------------------------------------------------------------- reading back


def plaintext(row, field: str) -> str:
	"""The stored value in clear, for the app's own processing on the server. Never send it to a person:
	that is `reveal`, which checks and logs."""
	enc = row.get(field + ENC)
	if enc:
		return decrypt(enc)
	value = row.get(field) or ""
	return "" if masking.is_masked(value) else value


def permlevels(doctype: str, user: str | None = None, ptype: str = "read") -> set[int]:
	"""The permission levels at which the user's roles may `ptype` the DocType (a child table: its parent's)."""
	roles = set(frappe.get_roles(user or frappe.session.user))
	if (user or frappe.session.user) == "Administrator":
		return set(range(10))
	return {0} | {
		p.permlevel for p in frappe.get_meta(doctype).permissions if p.role in roles and p.get(ptype)
	}


def may_reveal(
	parent_doctype: str, parent_name: str, child_doctype: str, field: str, user: str | None = None
):
	"""Read permission on the stored parent record, and read access at the field's permission level."""
	df = frappe.get_meta(child_doctype).get_field(field)
	if not df or df.permlevel not in permlevels(parent_doctype, user):
		return False
	return bool(frappe.has_permission(parent_doctype, "read", doc=parent_name, user=user))


def reveal(parent_doctype: str, parent_name: str, action: str = "Reveal") -> list[dict]:
	"""Every person's vault fields of a stored record (the record's own and its rows') that the user may see,
	each row revealed written to the access log. Refused when the user may read none."""
	parent = frappe.get_doc(parent_doctype, parent_name)
	if not frappe.has_permission(parent_doctype, "read", doc=parent):
		refuse()
	levels = permlevels(parent.doctype)
	result, permitted = [], False
	sources = [(None, parent.doctype, [parent], vault_fields(parent.doctype))]
	sources += [(f, c, parent.get(f), fs) for f, c, fs in vault_tables(parent.doctype)]
	for table, child, rows, names in sources:
		meta = frappe.get_meta(child)
		allowed = [f for f in names if meta.get_field(f).permlevel in levels]
		permitted = permitted or bool(allowed)
		for row in rows if allowed else []:
			values = {f: plaintext(row, f) for f in allowed}
			if not any(values.values()):
				continue
			log_access(parent, row, [f for f in allowed if values[f]], action)
			result.append(
				{"table": table, "row": row.name, "idx": row.idx, "person": person_of(row), **values}
			)
	if not permitted:
		refuse()
	return result


def reveal_field(row, field: str, action: str = "Print") -> str:
	"""One value for a print format: in clear where `may_reveal` allows it (and logged), masked otherwise.
	The value comes from the stored row, whatever the document being printed says."""
	parent_doctype, parent_name = (
		(row.parenttype, row.parent) if row.meta.istable else (row.doctype, row.name)
	)
	masked = row.get(field) or ""
	if frappe.flags.zz_print_masked or not (parent_name and row.name):
		return masked
	# get_value: the stored row of the record just checked, not the copy being printed
	columns = [field, field + ENC, "parent" if row.meta.istable else "name"]
	stored = frappe.db.get_value(row.doctype, row.name, columns, as_dict=True)
	if row.meta.istable and stored and stored.parent != parent_name:
		return masked
	if not (stored and stored.get(field + ENC)) or not may_reveal(
		parent_doctype, parent_name, row.doctype, field
	):
		return stored.get(field) if stored else masked
	log_access(parent_record(parent_doctype, parent_name), row, [field], action)
	return decrypt(stored.get(field + ENC))


def zz_personal(row, field: str) -> str:
	"""Jinja, for print formats: `{{ zz_personal(p, "id_number") | e }}`."""
	return reveal_field(row, field)


def parent_record(doctype: str, name: str) -> frappe._dict:
	"""What the access log needs of a parent record (its centre, its case), without loading the document."""
	meta = frappe.get_meta(doctype)
	wanted = [f for f in (*CENTER_FIELDS, "case") if meta.has_field(f)]
	values = frappe.db.get_value(doctype, name, wanted, as_dict=True) if wanted else {}
	return frappe._dict(values or {}, doctype=doctype, name=name, meta=meta)


def person_of(row) -> str:
	return row.get("party_name") or row.get("full_name") or row.get("title") or ""


def refuse():
	frappe.throw(
		_("You are not allowed to see this personal data."),
		exc=PersonalDataNotPermittedError,
		title=_("Not Permitted"),
	)


# ---------------------------------------------------------------- 查看留痕


def log_access(parent, row, fields: list[str], action: str) -> None:
	"""Who saw which person's data, of which record, when and how: one append-only row."""
	center = next((parent.get(f) for f in CENTER_FIELDS if parent.meta.has_field(f) and parent.get(f)), None)
	case = (
		parent.name
		if parent.doctype == "ZZ Case"
		else (parent.get("case") if parent.meta.has_field("case") else None)
	)
	log = frappe.new_doc(ACCESS_LOG)
	log.update(
		{
			"user": frappe.session.user,
			"accessed_at": now_datetime(),
			"action": action,
			"reference_doctype": parent.doctype,
			"reference_name": parent.name,
			"case": case,
			"center": center,
			"row_doctype": row.doctype,
			"row_name": row.name,
			"person": person_of(row),
			"fields": ", ".join(fields),
			"ip_address": getattr(frappe.local, "request_ip", None),
		}
	)
	log.flags.ignore_permissions = True
	log.flags.ignore_links = True
	if frappe.flags.read_only:  # a request served from a read replica: written after it, as Frappe's own logs
		log.deferred_insert()
		return
	log.insert()
	if frappe.request and frappe.request.method == "GET":
		# a GET (the print view, a PDF) is never committed by Frappe: the record of the viewing must stay
		frappe.db.commit()


# ---------------------------------------------------------------- looking a person up


def search_by_identity():
	"""auth_hooks (after the query whitelist): a list filtered on a full ID number (`id_number = 4309…`) asks for
	the person's cases, but the column holds masks. The condition becomes one on the row's keyed hash
	(`id_key`, what duplicate detection compares), so a clerk still finds a person by ID number, and the number
	itself is never compared in SQL."""
	from zongzhi_center.permissions.guards import api_route
	from zongzhi_center.permissions.query import requested_doctype

	form = frappe.local.form_dict
	if not form or not getattr(frappe.local, "request", None):
		return
	route = api_route()
	doctype = route or requested_doctype(form)[0]
	if not isinstance(doctype, str) or not frappe.db.exists("DocType", doctype):
		return
	for param in ("filters", "or_filters", "current_filters"):
		value = form.get(param)
		if value in (None, ""):
			continue
		parsed = frappe.parse_json(value) if isinstance(value, str) else value
		translated, changed = identity_filters(doctype, parsed)
		if changed:
			form[param] = frappe.as_json(translated)


def identity_filters(doctype: str, filters):
	"""(filters, changed): equality on a typed ID number becomes equality on its keyed hash."""
	if isinstance(filters, dict):
		out, changed = {}, False
		for field, value in filters.items():
			condition, hit = identity_condition(doctype, [doctype, field, *as_operator(value)])
			changed |= hit
			if hit:
				out[condition[1]] = [condition[2], condition[3]]
			else:
				out[field] = value
		return out, changed
	if not isinstance(filters, list):
		return filters, False
	out, changed = [], False
	for condition in filters:
		if isinstance(condition, list) and len(condition) in (3, 4):
			full = condition if len(condition) == 4 else [doctype, *condition]
			new, hit = identity_condition(doctype, full)
			changed |= hit
			out.append(new if hit else condition)
		else:
			out.append(condition)
	return out, changed


def as_operator(value) -> list:
	return list(value[:2]) if isinstance(value, list | tuple) and len(value) == 2 else ["=", value]


def identity_condition(doctype: str, condition: list) -> tuple[list, bool]:
	from zongzhi_center.services.petitions import id_key_of

	target, field, operator, value = condition[:4]
	if field != "id_number" or operator not in ("=", "in") or not isinstance(target, str):
		return condition, False
	if target != doctype and target not in {c for _f, c, _fs in vault_tables(doctype)}:
		return condition, False
	meta = frappe.get_meta(target)
	if "id_number" not in vault_fields(target) or not meta.has_field("id_key"):
		return condition, False
	values = value if isinstance(value, list) else [value]
	if not values or not all(isinstance(v, str) and v.strip() and not masking.is_masked(v) for v in values):
		return condition, False
	keys = [id_key_of(v) for v in values]
	return [target, "id_key", operator, keys if isinstance(value, list) else keys[0]], True
