"""The personal-data vault: ID numbers, phones and addresses encrypted at rest, masked everywhere else, revealed
through one checked and logged path (services/vault.py, api/personal_data.py).

Case R of township A has an applicant with a known ID number, phone and address. Its clerk reveals them (and the
reveal is logged); a leader of the county (read, no permission level 1), a sibling township's clerk and a
website user do not; prints show them in clear to the clerk only; the database, its dump and the Version log
hold no plaintext.
"""

import glob
import gzip
import json
import os

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import decrypt

from zongzhi_center.engine import masking
from zongzhi_center.exceptions import MaskedValueError
from zongzhi_center.services import vault
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	delete_committed,
	edit_case,
	http,
	make_case,
	make_center_tree,
	make_user,
	new_person,
	raw_insert,
)

ID, PHONE = new_person()  # this module's own person: no other test's leftovers hold the same numbers
ADDRESS = "湖南省南县秘密巷77号三单元"
ACCESS = "ZZ Personal Data Access"
M = "/api/method/"


def applicant(**values):
	return {
		"party_role": "Applicant",
		"party_type": "Person",
		"party_name": "赵保密",
		"id_number": ID,
		"phone": PHONE,
		"address": ADDRESS,
		**values,
	}


def access_rows(case: str, user: str) -> list[dict]:
	frappe.db.commit()  # what the HTTP requests committed, on their own connections
	return frappe.get_all(ACCESS, filters={"case": case, "user": user}, fields=["action", "person", "fields"])


class TestVaultMasking(FrappeTestCase):
	def test_masks(self):
		self.assertEqual(masking.mask("430921198503150017", "id"), "430921********0017")
		self.assertEqual(masking.mask("13907371234", "phone"), "139****1234")
		self.assertEqual(masking.mask("0737-5221234", "phone"), "0737-***1234")
		self.assertEqual(masking.mask(ADDRESS, "text"), "湖南省南县秘****")
		self.assertEqual(masking.kind_of("id_number"), "id")
		self.assertEqual(masking.kind_of("phone"), "phone")
		self.assertEqual(masking.kind_of("address"), "text")
		self.assertTrue(masking.is_masked("139****1234"))
		self.assertFalse(masking.is_masked("13907371234"))


class TestVault(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		t = cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], t.town_a, with_api_key=True)
		cls.sibling = make_user(["ZZ Intake Clerk"], t.town_b, with_api_key=True)
		cls.leader = make_user(["ZZ Leader"], t.county, with_api_key=True)
		cls.supervisor = make_user(["ZZ Supervisor"], t.county, with_api_key=True)
		cls.website = make_user([], with_api_key=True)
		cls.case = make_case(t.town_a, cls.clerk, parties=[applicant()]).name
		frappe.db.commit()  # HTTP requests run on their own connections

	@classmethod
	def tearDownClass(cls):
		frappe.db.delete(ACCESS, {"case": cls.case})
		delete_committed(cls.tree, [cls.clerk, cls.sibling, cls.leader, cls.supervisor, cls.website])
		super().tearDownClass()

	def stored_party(self, case=None):
		return frappe.db.get_value(
			"ZZ Case Party",
			{"parent": case or self.case, "party_role": "Applicant"},
			["name", "id_number", "id_number_enc", "phone", "phone_enc", "address", "address_enc"],
			as_dict=True,
		)

	# ---------------------------------------------------------------- at rest

	def test_columns_hold_the_mask_and_the_ciphertext(self):
		row = self.stored_party()
		self.assertEqual(row.id_number, masking.mask(ID, "id"))
		self.assertEqual(row.phone, masking.mask(PHONE, "phone"))
		self.assertNotIn(ID, json.dumps(row))
		self.assertNotIn(PHONE, json.dumps(row))
		self.assertEqual(decrypt(row.id_number_enc), ID)
		self.assertEqual(decrypt(row.phone_enc), PHONE)
		self.assertEqual(decrypt(row.address_enc), ADDRESS)

	def test_a_save_that_leaves_the_mask_keeps_the_value_and_a_typed_one_replaces_it(self):
		case = make_case(self.tree.town_a, self.clerk, parties=[applicant()])
		before = self.stored_party(case.name)
		edit_case(self.clerk, case.name, title="改了标题")
		self.assertEqual(self.stored_party(case.name).id_number_enc, before.id_number_enc)
		with as_user(self.clerk):
			doc = frappe.get_doc("ZZ Case", case.name)
			doc.parties[0].phone = "13800001111"
			doc.save()
		row = self.stored_party(case.name)
		self.assertEqual((row.phone, decrypt(row.phone_enc)), ("138****1111", "13800001111"))
		self.assertEqual(decrypt(row.id_number_enc), ID)

	def test_a_mask_that_is_not_the_rows_own_is_refused(self):
		other = self.stored_party().id_number
		for change in (
			lambda doc: setattr(doc.parties[0], "id_number", "430921********9999"),
			lambda doc: doc.append("parties", applicant(party_role="Third Party", id_number=other)),
		):
			case = make_case(self.tree.town_a, self.clerk, parties=[applicant()])
			with as_user(self.clerk):
				doc = frappe.get_doc("ZZ Case", case.name)
				change(doc)
				self.assertRaises(MaskedValueError, doc.save)

	def test_a_ciphertext_sent_by_a_client_is_not_taken(self):
		"""A new row with another row's mask and a forged `_enc` beside it is refused, not decrypted."""
		stolen = self.stored_party()
		status, body = http(
			"POST",
			"/api/resource/ZZ Case",
			api_credentials(self.clerk),
			json={
				"title": "伪造",
				"facts": "事实",
				"matter_type": "Dispute Mediation",
				"source": "Petition Source",
				"channel": "Window",
				"receiving_center": self.tree.town_a,
				"parties": [
					applicant(
						id_number=stolen.id_number, id_number_enc=stolen.id_number_enc, phone="13711112222"
					)
				],
			},
		)
		self.assertEqual(status, 417, body)
		self.assertNotIn(ID, body.decode())

	def test_no_plaintext_in_versions_of_cases_and_agreements(self):
		case = make_case(self.tree.town_a, self.clerk, parties=[applicant()])
		third = new_person()[0]
		with as_user(self.clerk):
			doc = frappe.get_doc("ZZ Case", case.name)
			doc.parties[0].phone = "13800002222"
			doc.append("parties", applicant(party_role="Third Party", id_number=third))
			doc.save(ignore_version=False)  # tests skip the Version log unless asked
		data = " ".join(frappe.get_all("Version", filters={"docname": case.name}, pluck="data"))
		self.assertTrue(data)
		for secret in (ID, PHONE, "13800002222", ADDRESS, third):
			self.assertNotIn(secret, data)

	def test_the_sql_dump_holds_no_plaintext(self):
		"""A backup of the site (mysqldump, as `bench backup` takes it) has the masks, never the values."""
		from frappe.utils.backups import new_backup

		backup = new_backup(ignore_files=True, force=True)
		path = backup.backup_path_db
		try:
			with gzip.open(path, "rt", encoding="utf-8", errors="replace") as dump:
				text = dump.read()
			self.assertIn(masking.mask(ID, "id"), text)
			for secret in (ID, PHONE, ADDRESS):
				at = text.find(secret)
				table = text[text.rfind("Dumping data for table", 0, at) :][:80].split("\n")[0]
				self.assertEqual(at, -1, f"found in the dump, {table}")
		finally:
			for leftover in glob.glob(path.rsplit("-", 1)[0] + "*"):
				os.remove(leftover)

	# ---------------------------------------------------------------- reveal

	def reveal(self, user, doctype="ZZ Case", name=None):
		status, body = http(
			"POST",
			M + "zongzhi_center.api.personal_data.reveal",
			api_credentials(user),
			json={"doctype": doctype, "name": name or self.case},
		)
		return status, body.decode()

	def test_the_clerk_reveals_and_the_reveal_is_logged(self):
		status, body = self.reveal(self.clerk)
		self.assertEqual(status, 200, body)
		person = json.loads(body)["message"][0]
		self.assertEqual((person["id_number"], person["phone"], person["address"]), (ID, PHONE, ADDRESS))
		logged = access_rows(self.case, self.clerk)
		self.assertIn({"action": "Reveal", "person": "赵保密", "fields": "id_number, phone, address"}, logged)

	def test_who_may_not_see_gets_nothing_and_nothing_is_logged(self):
		for user in (self.leader, self.supervisor, self.sibling, self.website):
			status, body = self.reveal(user)
			self.assertEqual(status, 403, (user, body))
			for secret in (ID, PHONE, ADDRESS):
				self.assertNotIn(secret, body)
			self.assertFalse(access_rows(self.case, user))
		# a record that does not exist answers as one that may not be read
		self.assertEqual(self.reveal(self.sibling, name="no-such-case")[0], 403)

	def test_the_access_log_is_append_only(self):
		self.reveal(self.clerk)
		frappe.db.commit()
		name = frappe.get_all(ACCESS, filters={"case": self.case}, pluck="name")[0]
		log = frappe.get_doc(ACCESS, name)
		log.person = "别人"
		self.assertRaises(frappe.PermissionError, log.save, ignore_permissions=True)
		self.assertRaises(
			frappe.PermissionError, frappe.delete_doc, ACCESS, name, ignore_permissions=True, force=True
		)
		# Log Settings may clear it, never younger than six months
		from zongzhi_center.zongzhi_center.doctype.zz_personal_data_access.zz_personal_data_access import (
			ZZPersonalDataAccess,
		)

		ZZPersonalDataAccess.clear_old_logs(1)
		self.assertTrue(frappe.db.exists(ACCESS, name))

	# ---------------------------------------------------------------- prints

	def print_html(self, user, print_format="ZZ Case File"):
		status, body = http(
			"GET",
			M + "frappe.www.printview.get_html_and_style",
			api_credentials(user),
			{"doc": "ZZ Case", "name": self.case, "print_format": print_format},
		)
		return status, body.decode()

	def test_prints_show_data_in_clear_only_to_who_may_reveal_it(self):
		status, body = self.print_html(self.clerk)
		self.assertEqual(status, 200, body)
		self.assertIn(ID, body)
		self.assertIn(
			{"action": "Print", "person": "赵保密", "fields": "id_number"}, access_rows(self.case, self.clerk)
		)
		status, body = self.print_html(self.supervisor)
		self.assertEqual(status, 200, body)
		self.assertIn(masking.mask(ID, "id"), body)
		for secret in (ID, PHONE):
			self.assertNotIn(secret, body)
		self.assertFalse(access_rows(self.case, self.supervisor))

	def test_user_text_is_printed_as_text(self):
		"""Markup in the facts is shown, never loaded by wkhtmltopdf (no request to another server)."""
		case = make_case(
			self.tree.town_a,
			self.clerk,
			facts='楼上漏水。<img src="http://127.0.0.1:9/ssrf.png"><script>alert(1)</script>',
			parties=[applicant()],
		)
		with as_user(self.clerk):
			html = frappe.get_print("ZZ Case", case.name, "ZZ Case File")
		self.assertNotIn('<img src="http://127.0.0.1', html)
		self.assertNotIn("<script>alert", html)
		self.assertIn("&lt;img src=", html)

	def test_the_archived_case_file_shows_masks(self):
		frappe.flags.zz_print_masked = True
		try:
			with as_user(self.clerk):
				html = frappe.get_print("ZZ Case", self.case, "ZZ Case File")
		finally:
			frappe.flags.zz_print_masked = False
		self.assertNotIn(ID, html)
		self.assertIn(masking.mask(ID, "id"), html)

	# ---------------------------------------------------------------- coverage and migration

	def test_every_doctype_with_vault_fields_is_covered(self):
		"""Derived from the DocTypes: each vault field's companion is hidden at a level no role has, and each
		form that shows people's data offers Reveal."""
		hooks = frappe.get_hooks("doctype_js")
		for doctype in frappe.get_all("DocType", filters={"module": "Zongzhi Center"}, pluck="name"):
			meta = frappe.get_meta(doctype)
			for field in vault.vault_fields(doctype):
				enc = meta.get_field(field + vault.ENC)
				self.assertTrue(enc.hidden and enc.permlevel == 9, (doctype, field))
			if not meta.istable and (vault.vault_fields(doctype) or vault.vault_tables(doctype)):
				self.assertIn("public/js/zz_personal_data.js", hooks.get(doctype, []), doctype)
				self.assertFalse([p for p in meta.permissions if p.permlevel >= 9], doctype)
			# a person's ID number, phone or address anywhere in the app is in the vault
			people = {"ZZ Case Party", "ZZ Agreement Party", "ZZ Stationed Staff"}
			if doctype in people:
				for df in meta.fields:
					if masking.kind_of(df.fieldname) in ("id", "phone") and not df.fieldname.endswith("_enc"):
						if df.fieldtype == "Data" and not df.hidden:
							self.assertIn(df.fieldname, vault.vault_fields(doctype), (doctype, df.fieldname))

	def test_the_patch_encrypts_what_was_stored_in_clear(self):
		from zongzhi_center.patches import encrypt_personal_data

		case = make_case(self.tree.town_a, self.clerk, parties=[applicant()])
		row = raw_insert(
			{
				"doctype": "ZZ Case Party",
				"party_role": "Third Party",
				"party_type": "Person",
				"party_name": "旧",
			},
		)
		frappe.db.set_value(
			"ZZ Case Party",
			row,
			{
				"parent": case.name,
				"parenttype": "ZZ Case",
				"parentfield": "parties",
				"id_number": ID,
				"phone": PHONE,
			},
		)
		encrypt_personal_data.execute()
		stored = frappe.db.get_value(
			"ZZ Case Party", row, ["id_number", "id_number_enc", "phone"], as_dict=True
		)
		self.assertEqual(stored.id_number, masking.mask(ID, "id"))
		self.assertEqual(decrypt(stored.id_number_enc), ID)
		self.assertEqual(stored.phone, masking.mask(PHONE, "phone"))

	def test_a_person_is_found_by_the_full_id_number(self):
		"""A list filtered on a typed ID number finds the person's cases (by the keyed hash): for readers of the
		case only; a leader may not filter on it at all."""
		params = {
			"doctype": "ZZ Case",
			"fields": '["name"]',
			"filters": json.dumps([["ZZ Case Party", "id_number", "=", ID.lower()]]),
		}
		path = M + "frappe.client.get_list"
		status, body = http("GET", path, api_credentials(self.clerk), params)
		self.assertEqual(status, 200, body)
		self.assertIn(self.case, [row["name"] for row in json.loads(body)["message"]])
		rest = {k: v for k, v in params.items() if k != "doctype"}
		status, body = http("GET", "/api/resource/ZZ Case", api_credentials(self.clerk), rest)
		self.assertIn(self.case, body.decode())
		status, body = http("GET", path, api_credentials(self.sibling), params)
		self.assertEqual((status, json.loads(body)["message"]), (200, []))
		status, body = http("GET", path, api_credentials(self.leader), params)
		self.assertEqual(status, 403, body)
