"""Core records and bad input: each mistake gets its own clear error and nothing is saved."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import (
	CaseWithoutApplicantError,
	CaseWithoutFactsError,
	CenterLevelError,
	FirstReceiverImmutableError,
	InvalidIDNumberError,
	InvalidPhoneError,
	InvalidRegionCodeError,
	StaffPeriodError,
	TierBelowCenterError,
)
from zongzhi_center.services import vault
from zongzhi_center.tests.factories import (
	as_user,
	case_dict,
	id_number,
	make_case,
	make_center,
	make_center_tree,
	make_department,
	make_user,
	unique,
)

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


class TestCenter(FrappeTestCase):
	def test_valid_tree_and_region_names(self):
		tree = make_center_tree()
		county = frappe.get_doc("ZZ Center", tree.county)
		self.assertEqual(county.region_name, "湖南省 南县")
		self.assertTrue(county.is_group)
		self.assertFalse(frappe.db.get_value("ZZ Center", tree.grid_a, "is_group"))
		descendants = frappe.db.get_descendants("ZZ Center", tree.county)
		self.assertEqual(set(descendants), {tree.town_a, tree.town_b, tree.village_a, tree.grid_a})

	def test_bad_region_codes_are_refused(self):
		county = make_center("County", None, "430921")
		cases = [
			("County", None, "43092"),  # wrong length
			("County", None, "999999"),  # unknown
			("County", None, "632126"),  # abolished (互助 became 630223 in 2013)
			("Township", county.name, "4309211"),  # 7 digits for a township
			("Township", county.name, "430922100"),  # outside its county
			("Township", county.name, None),  # missing
		]
		for level, parent, code in cases:
			with self.subTest(code=code, level=level):
				before = frappe.db.count("ZZ Center")
				with self.assertRaises(InvalidRegionCodeError):
					make_center(level, parent, code)
				self.assertEqual(frappe.db.count("ZZ Center"), before)

	def test_full_width_region_code_is_normalised(self):
		county = make_center("County", None, "４３０９２１")
		self.assertEqual(county.region_code, "430921")

	def test_level_must_be_below_parent(self):
		tree = make_center_tree()
		with self.assertRaises(CenterLevelError):
			make_center("County", tree.town_a, "430921")
		with self.assertRaises(CenterLevelError):
			make_center("Township", tree.town_a, "430921100")


class TestDepartmentAndStaff(FrappeTestCase):
	def test_mediation_kinds_are_flagged(self):
		tree = make_center_tree()
		studio = make_department(tree.county, department_type="Mediation Studio")
		police = make_department(tree.county, department_type="Police")
		self.assertEqual(frappe.db.get_value("ZZ Department", studio, "is_mediation_org"), 1)
		self.assertEqual(frappe.db.get_value("ZZ Department", police, "is_mediation_org"), 0)

	def staff(self, **overrides):
		tree = make_center_tree()
		doc = {
			"doctype": "ZZ Stationed Staff",
			"full_name": unique("驻点"),
			"mode": "Resident",
			"department": make_department(tree.county),
			"center": tree.county,
			"active_from": "2026-01-01",
			"expertise": [{"expertise": "调解员"}],
		}
		doc.update(overrides)
		return frappe.get_doc(doc).insert(ignore_permissions=True)

	def test_three_modes(self):
		resident = self.staff()
		rotating = self.staff(mode="Rotating", duty_rota=[{"weekday": "Tuesday", "half_day": "Morning"}])
		on_call = self.staff(mode="On-call", duty_rota=[{"weekday": "Monday", "half_day": "Full Day"}])
		self.assertEqual(resident.mode, "Resident")
		self.assertEqual(len(rotating.duty_rota), 1)
		self.assertEqual(on_call.duty_rota, [])  # a rota means nothing for on-call staff
		self.assertEqual([row.expertise for row in resident.expertise], ["调解员"])

	def test_rotating_staff_need_a_rota_and_a_sane_period(self):
		with self.assertRaises(StaffPeriodError):
			self.staff(mode="Rotating")
		with self.assertRaises(StaffPeriodError):
			self.staff(active_from="2026-05-01", active_to="2026-04-01")


class TownshipClerkTestCase(FrappeTestCase):
	"""A centre tree and an intake clerk of township A."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)

	def tearDown(self):
		frappe.set_user("Administrator")


class TestCaseValidation(TownshipClerkTestCase):
	def assert_refused(self, exc, **overrides):
		before = frappe.db.count("ZZ Case")
		with self.assertRaises(exc):
			make_case(self.tree.town_a, self.clerk, **overrides)
		self.assertEqual(frappe.db.count("ZZ Case"), before)

	def party(self, **values):
		row = {
			"party_role": "Applicant",
			"party_type": "Person",
			"party_name": "王测试",
			"phone": "13912345678",
		}
		row.update(values)
		return row

	def test_valid_case_is_numbered_and_tokenised(self):
		case = make_case(self.tree.town_a, self.clerk)
		self.assertRegex(case.case_number, r"^430921100-\d{4}-\d{6}$")
		self.assertEqual(case.first_receiver, self.clerk)
		self.assertEqual(case.current_center, self.tree.town_a)
		self.assertEqual(case.tier, "Township")
		self.assertEqual(case.workflow_state, "Registered")
		self.assertEqual(case.party_count, 2)
		self.assertGreaterEqual(len(case.tracking_token), 32)
		self.assertNotIn(case.case_number, case.tracking_token)
		self.assertTrue(case.due_date)

	def test_grid_case_uses_nearest_region_code(self):
		case = make_case(self.tree.grid_a)
		self.assertTrue(
			case.case_number.startswith(frappe.db.get_value("ZZ Center", self.tree.village_a, "region_code"))
		)
		self.assertEqual(case.tier, "Grid")

	def test_id_numbers(self):
		good = id_number(3)
		with self.subTest("full-width digits and lower-case x are normalised"):
			wide = good.translate(FULL_WIDTH).lower()
			case = make_case(self.tree.town_a, self.clerk, parties=[self.party(id_number=wide)])
			self.assertEqual(vault.plaintext(case.parties[0], "id_number"), good.upper())
		bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
		for bad in (bad_check, good[:17], good + "1", "43092119941301123X", "ABCDEFGHIJKLMNOPQR"):
			with self.subTest(bad=bad):
				self.assert_refused(InvalidIDNumberError, parties=[self.party(id_number=bad)])

	def test_error_message_does_not_echo_the_id_number(self):
		bad = id_number(5)[:-1] + ("0" if id_number(5)[-1] != "0" else "1")
		with self.assertRaises(InvalidIDNumberError) as ctx:
			make_case(self.tree.town_a, self.clerk, parties=[self.party(id_number=bad)])
		self.assertNotIn(bad, str(ctx.exception))
		self.assertNotIn(bad, str(frappe.message_log))

	def test_organisation_needs_a_credit_code(self):
		org = self.party(
			party_role="Respondent",
			party_type="Organisation",
			party_name="某物业公司",
			id_number="91110000600037341L",
			phone=None,
		)
		case = make_case(self.tree.town_a, self.clerk, parties=[self.party(), org])
		self.assertEqual(vault.plaintext(case.parties[1], "id_number"), "91110000600037341L")
		org["id_number"] = "91110000600037341A"
		self.assert_refused(InvalidIDNumberError, parties=[self.party(), org])

	def test_phones(self):
		case = make_case(self.tree.town_a, self.clerk, parties=[self.party(phone="+86 139 1234 5678")])
		self.assertEqual(vault.plaintext(case.parties[0], "phone"), "13912345678")
		case = make_case(self.tree.town_a, self.clerk, parties=[self.party(phone="０７３７－５２２１２３４")])
		self.assertEqual(vault.plaintext(case.parties[0], "phone"), "07375221234")
		for bad in ("12345", "1391234567", "abc", "+1 202 555 0100"):
			with self.subTest(bad=bad):
				self.assert_refused(InvalidPhoneError, parties=[self.party(phone=bad)])
		with self.subTest("an applicant needs a phone"):
			self.assert_refused(InvalidPhoneError, parties=[self.party(phone=None)])

	def test_applicant_and_facts_are_required(self):
		self.assert_refused(CaseWithoutApplicantError, parties=[self.party(party_role="Respondent")])
		self.assert_refused(CaseWithoutFactsError, facts="   ")
		self.assert_refused(CaseWithoutFactsError, facts="<p> </p>")
		self.assert_refused(CaseWithoutFactsError, facts=None)

	def test_tier_below_centre_level(self):
		self.assert_refused(TierBelowCenterError, tier="Village")
		self.assert_refused(TierBelowCenterError, tier="Grid")
		case = make_case(self.tree.town_a, self.clerk, tier="County")
		self.assertEqual(case.tier, "County")

	def test_messages_are_translated(self):
		frappe.local.lang = "zh"
		try:
			with self.assertRaises(CaseWithoutApplicantError) as ctx:
				make_case(self.tree.town_a, self.clerk, parties=[self.party(party_role="Respondent")])
			self.assertIn("申请人", str(ctx.exception))
			self.assertNotIn("at least one applicant", str(ctx.exception))
		finally:
			frappe.local.lang = "en"

	def test_group_dispute_with_many_parties(self):
		parties = [self.party(party_name=f"村民{i}", phone=f"1391234{i:04d}") for i in range(60)]
		case = make_case(self.tree.town_a, self.clerk, parties=parties)
		self.assertEqual(case.party_count, 60)


class TestFirstReceiver(TownshipClerkTestCase):
	def test_set_from_session_user_whatever_the_request_says(self):
		case = make_case(self.tree.town_a, self.clerk, first_receiver="Administrator")
		self.assertEqual(case.first_receiver, self.clerk)

	def test_never_changes_not_even_for_administrator(self):
		case = make_case(self.tree.town_a, self.clerk)
		case.reload()
		case.first_receiver = "Administrator"
		with self.assertRaises(FirstReceiverImmutableError):
			case.save()
		with as_user("Administrator"), self.assertRaises(frappe.ValidationError):
			frappe.client.set_value("ZZ Case", case.name, "first_receiver", "Administrator")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "first_receiver"), self.clerk)

	def test_case_number_is_not_taken_from_the_request(self):
		case = frappe.get_doc(case_dict(self.tree.town_a, case_number="999999-2000-000001")).insert()
		self.assertNotEqual(case.case_number, "999999-2000-000001")
