"""窗口快速登记 through its whitelisted methods, as the dialog calls them: a clerk registers a two-party case
in one request and accepts it; every problem of a bad request is reported at once, in Chinese, and nothing
is saved; the request may not set what the clerk does not fill in; the wrong role is refused."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.api import registration as api
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.registration import RegistrationRefused
from zongzhi_center.tests.factories import as_user, make_center_tree, make_user, new_person, unique


class TestQuickRegistration(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.local.lang = "zh"
		cls.tree = make_center_tree()
		cls.clerk = make_user([wn.INTAKE_CLERK], cls.tree.county)
		cls.town_clerk = make_user([wn.INTAKE_CLERK], cls.tree.town_b)
		cls.director = make_user([wn.CENTER_DIRECTOR], cls.tree.county)
		cls.mediator = make_user([wn.MEDIATOR], cls.tree.county)
		cls.window = cls.make_window(cls.tree.county, "Petition Source")
		cls.town_window = cls.make_window(cls.tree.town_b, "Police Source")
		cls.category = (
			frappe.get_doc(
				{"doctype": "ZZ Case Category", "category_name": unique("邻里纠纷"), "is_group": 0}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.group = (
			frappe.get_doc(
				{"doctype": "ZZ Case Category", "category_name": unique("民间纠纷"), "is_group": 1}
			)
			.insert(ignore_permissions=True)
			.name
		)

	@classmethod
	def make_window(cls, center, source):
		return (
			frappe.get_doc(
				{
					"doctype": "ZZ Service Window",
					"window_name": unique("综合窗口"),
					"window_type": "Comprehensive Service",
					"center": center,
					"default_source": source,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "zh"

	def two_parties(self, **applicant):
		id_number, phone = new_person()
		return [
			{
				"party_role": "Applicant",
				"party_name": "王快登",
				"id_number": id_number,
				"phone": phone,
				**applicant,
			},
			{"party_role": "Respondent", "party_name": "李快登"},
		]

	def payload(self, **values):
		return {
			"facts": "楼上住户夜间噪音扰民，多次协商未果，申请调解。",
			"category": self.category,
			"receiving_window": self.window,
			"parties": self.two_parties(),
			**values,
		}

	def refused(self, user, payload) -> str:
		before = frappe.db.count("ZZ Case")
		with as_user(user), self.assertRaises(RegistrationRefused) as caught:
			api.register(payload)
		self.assertEqual(frappe.db.count("ZZ Case"), before)
		return str(caught.exception)

	def test_clerk_registers_and_accepts_a_two_party_case(self):
		with as_user(self.clerk):
			result = api.register(frappe.as_json(self.payload()))
			self.assertTrue(result["case_number"])
			self.assertTrue(result["can_accept"])
			self.assertEqual(result["accept_label"], "受理")
			case = frappe.get_doc("ZZ Case", result["name"])
			# the window's centre, source and channel; the first words of the facts as the title
			self.assertEqual(case.receiving_center, self.tree.county)
			self.assertEqual(case.receiving_window, self.window)
			self.assertEqual(case.source, "Petition Source")
			self.assertEqual(case.channel, "Window")
			self.assertEqual(case.category, self.category)
			self.assertEqual(case.first_receiver, self.clerk)
			self.assertTrue(case.title.startswith("楼上住户夜间噪音扰民"))
			self.assertEqual([p.party_role for p in case.parties], ["Applicant", "Respondent"])
			self.assertEqual(case.workflow_state, wn.state("registered"))
			accepted = api.accept(result["name"])
		self.assertEqual(accepted["workflow_state"], wn.state("accepted"))
		self.assertEqual(
			frappe.db.get_value("ZZ Case", result["name"], "workflow_state"), wn.state("accepted")
		)

	def test_every_problem_is_reported_at_once_in_chinese_and_nothing_is_saved(self):
		message = self.refused(
			self.clerk,
			{
				"facts": "  ",
				"category": self.group,
				"matter_type": "Bribe",
				"parties": [
					{"party_role": "Respondent", "party_name": "", "id_number": "430921199001011234"},
					{"party_role": "Judge", "party_name": "李", "phone": "12345"},
				],
			},
		)
		for expected in (
			"请填写事实与请求",
			"请选择具体类别",
			"事项类型：请从列出的选项中选择",
			"请选择案件来源",
			"当事人第1行：请填写姓名或名称",
			"当事人第1行：居民身份证号码无效",
			"当事人第2行：请选择当事人身份",
			"当事人第2行：电话号码",
			"至少要有一名申请人",
		):
			self.assertIn(expected, message)
		# personal data never comes back in a message
		self.assertNotIn("430921199001011234", message)

	def test_the_request_sets_only_what_the_clerk_fills_in(self):
		message = self.refused(
			self.clerk,
			self.payload(
				workflow_state=wn.state("accepted"),
				receiving_center=self.tree.town_b,
				parties=[{**self.two_parties()[0], "id_number_enc": "x"}],
			),
		)
		self.assertIn("receiving_center", message)
		self.assertIn("workflow_state", message)
		self.assertIn("id_number_enc", message)

	def test_a_window_of_another_centre_is_refused(self):
		# the county's window is not the township's: a township clerk may not register at it
		message = self.refused(self.town_clerk, self.payload(receiving_window=self.window))
		self.assertIn("不是本中心正在使用的窗口", message)
		# the township's own clerk registers at it, with its default source
		with as_user(self.town_clerk):
			result = api.register(self.payload(receiving_window=self.town_window, category=None))
		case = frappe.get_doc("ZZ Case", result["name"])
		self.assertEqual((case.receiving_center, case.source), (self.tree.town_b, "Police Source"))

	def test_a_role_that_does_not_register_is_refused(self):
		before = frappe.db.count("ZZ Case")
		with as_user(self.mediator), self.assertRaises(frappe.PermissionError):
			api.register(self.payload())
		self.assertEqual(frappe.db.count("ZZ Case"), before)

	def test_only_the_workflow_role_accepts(self):
		with as_user(self.director):
			result = api.register(self.payload())
			# 受理 is the window clerk's action in the shipped workflow: the director is not offered it
			self.assertFalse(result["can_accept"])
			with self.assertRaises(frappe.ValidationError):
				api.accept(result["name"])
		self.assertEqual(
			frappe.db.get_value("ZZ Case", result["name"], "workflow_state"), wn.state("registered")
		)

	def test_defaults_list_the_windows_of_the_users_centres(self):
		with as_user(self.town_clerk):
			start = api.defaults()
		names = [w.name for w in start["windows"]]
		self.assertIn(self.town_window, names)
		self.assertNotIn(self.window, names)
		self.assertIn("Petition Source", start["sources"])
		self.assertTrue(start["can_register"])
