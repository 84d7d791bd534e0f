"""一案一码 over real HTTP requests to the public page: what a citizen sees (and never sees), the same 404
for every wrong token, revocation, the look-up by case number and phone digits with its failure limit,
the per-address rate limit, and the receipt with its QR code as a PDF.

Pages are served in another thread with its own database connection, so this test commits its fixtures
and deletes them afterwards.
"""

import re

import frappe
from frappe.tests.utils import FrappeTestCase
from werkzeug.test import Client

from zongzhi_center.api.tracking import reissue_token
from zongzhi_center.services import tracking
from zongzhi_center.tests.factories import (
	as_user,
	delete_committed,
	id_number,
	make_case,
	make_center_tree,
	make_user,
	move_case,
	pdf_text,
	run_in_thread,
)

SECRETS = ("钱秘密", "13987654321", "秘密路9号", "院墙秘密事实", id_number(7))


def fetch(path: str, ip: str = "127.0.0.2", params: dict | None = None):
	"""GET a page of the site as a browser at ``ip`` would (the socket's peer address, which only keys the
	rate limit: no traffic goes to it)."""
	from frappe.app import application

	site = frappe.local.site

	def send():
		response = Client(application).get(
			path, base_url=f"http://{site}", query_string=params, environ_base={"REMOTE_ADDR": ip}
		)
		return response.status_code, response.get_data(as_text=True), dict(response.headers)

	return run_in_thread(send)


class TestPublicTracking(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		frappe.db.set_value("ZZ Center", cls.tree.town_a, "phone", "0737-5201234")
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		parties = [
			{
				"party_role": "Applicant",
				"party_type": "Person",
				"party_name": SECRETS[0],
				"phone": SECRETS[1],
				"address": SECRETS[2],
				"id_number": SECRETS[4],
			},
			{"party_role": "Respondent", "party_type": "Person", "party_name": "孙邻居"},
		]
		case = make_case(
			cls.tree.town_a,
			cls.clerk,
			title=f"{SECRETS[0]}与邻居通道纠纷",
			facts=f"申请人称：{SECRETS[3]}。",
			parties=parties,
		)
		cls.case = move_case(case.name, "In Mediation")
		cls.restore_settings()

	@classmethod
	def restore_settings(cls):
		# the shipped defaults, which the tests that change them put back
		frappe.db.set_single_value("ZZ Settings", "tracking_requests_per_minute", 30)
		frappe.db.set_single_value("ZZ Settings", "tracking_failures_per_case", 5)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		delete_committed(cls.tree, [cls.clerk, cls.director])
		super().tearDownClass()

	def setUp(self):
		frappe.cache.delete_keys("zz-track:")  # each test starts with fresh counters

	def tearDown(self):
		frappe.set_user("Administrator")

	def token(self) -> str:
		frappe.db.rollback()  # a fresh snapshot: the token may have been re-issued by a request
		return frappe.db.get_value("ZZ Case", self.case.name, "tracking_token")

	def test_page_shows_progress_and_nothing_personal(self):
		status, body, headers = fetch(f"/track/{self.token()}")
		self.assertEqual(status, 200, body[:500])
		self.assertIn(self.case.case_number, body)
		self.assertIn("0737-5201234", body)  # the centre's phone, to call about the case
		self.assertEqual(body.count("<li>"), 3)  # received, accepted, being handled
		for secret in (*SECRETS, self.case.title):
			self.assertNotIn(secret, body)
		self.assertEqual(headers.get("Cache-Control"), "no-store")

	def test_the_page_takes_the_lean_path_and_other_pages_frappes(self):
		"""/track is recognised before Frappe's route rules and rendered from the template compiled once;
		every other path is resolved and rendered by Frappe as before."""
		from frappe.website.page_renderers.template_page import TemplatePage
		from frappe.website.path_resolver import PathResolver

		from zongzhi_center.services.tracking_page import TrackingPage

		for path in ("track", f"track/{self.token()}"):
			self.assertIsInstance(PathResolver(path).resolve()[1], TrackingPage, path)
		self.assertIsInstance(PathResolver("login").resolve()[1], TemplatePage)
		self.assertEqual(fetch("/login")[0], 200)
		# the page speaks each request's language, though its template was compiled for the first one
		with frappe.translate.print_language("zh"):
			chinese = frappe._("Case Progress")
		self.assertNotEqual(chinese, "Case Progress")
		for lang, heading in (("zh", chinese), ("en", "Case Progress"), ("zh", chinese)):
			body = fetch(f"/track/{self.token()}", params={"_lang": lang})[1]
			self.assertIn(f"<h1>{heading}</h1>", body, lang)

	def test_a_change_of_the_case_shows_at_once_though_pages_are_kept(self):
		case = make_case(self.tree.town_a, self.clerk)
		frappe.db.commit()
		token = frappe.db.get_value("ZZ Case", case.name, "tracking_token")
		before = fetch(f"/track/{token}")[1]
		self.assertEqual(fetch(f"/track/{token}")[1], before)  # the second page from the kept facts
		move_case(case.name, "Accepted")
		frappe.db.commit()
		after = fetch(f"/track/{token}")[1]
		self.assertEqual(after.count("<li>"), before.count("<li>") + 1)

	def test_unknown_malformed_and_revoked_tokens_get_the_same_404(self):
		old = self.token()
		self.assertEqual(fetch(f"/track/{old}")[0], 200)  # its page is kept now, and must go with the code
		with as_user(self.clerk), self.assertRaises(frappe.PermissionError):
			reissue_token(self.case.name)
		with as_user(self.director):
			reissue_token(self.case.name)
		frappe.db.commit()
		new = self.token()
		self.assertNotEqual(new, old)
		tokens = (old, tracking.new_token(), "x' or '1'='1")
		answers = [fetch(f"/track/{token}") for token in tokens]
		self.assertEqual({status for status, _body, _headers in answers}, {404})
		# the same page, but for the path it echoes (the page's data-path attribute)
		pages = {re.sub(r'data-path="[^"]*"', "", body) for _status, body, _headers in answers}
		self.assertEqual(len(pages), 1)
		self.assertEqual(fetch(f"/track/{new}")[0], 200)

	def test_look_up_by_case_number_and_phone_digits(self):
		frappe.db.set_single_value("ZZ Settings", "tracking_failures_per_case", 2)
		frappe.db.commit()
		self.addCleanup(self.restore_settings)
		number = self.case.case_number
		status, body, _headers = fetch("/track", params={"case_number": number, "phone4": "4321"})
		self.assertEqual(status, 200)
		self.assertIn(number, body)
		self.assertNotIn(SECRETS[1], body)
		# wrong digits answer like an unknown number; after two failures in the hour, so do right ones
		for digits in ("0000", "1111"):
			self.assertEqual(fetch("/track", params={"case_number": number, "phone4": digits})[0], 404)
		self.assertEqual(
			fetch("/track", params={"case_number": "430921-1999-000001", "phone4": "4321"})[0], 404
		)
		self.assertEqual(fetch("/track", params={"case_number": number, "phone4": "4321"})[0], 404)

	def test_each_address_is_rate_limited(self):
		frappe.db.set_single_value("ZZ Settings", "tracking_requests_per_minute", 3)
		frappe.db.commit()
		self.addCleanup(self.restore_settings)
		token = self.token()
		statuses = [fetch(f"/track/{token}", ip="127.0.0.3")[0] for _ in range(4)]
		self.assertEqual(statuses, [200, 200, 200, 429])
		self.assertEqual(fetch(f"/track/{token}", ip="127.0.0.4")[0], 200)  # another address is served

	def test_look_up_form_without_a_case(self):
		status, body, _headers = fetch("/track")
		self.assertEqual(status, 200)
		self.assertIn('name="phone4"', body)


class TestReceipt(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)

	def test_receipt_pdf_has_its_chinese_text_and_the_qr_code(self):
		case = make_case(self.tree.town_a, self.clerk)
		with as_user(self.clerk):
			html = frappe.get_print("ZZ Case", case.name, "ZZ Case Receipt")
			pdf = frappe.get_print("ZZ Case", case.name, "ZZ Case Receipt", as_pdf=True)
		self.assertIn("data:image/png;base64,", html)
		self.assertIn(tracking.tracking_url(case), html)
		for expected in ("受理回执", case.case_number, "首问负责制", "一案一码"):
			self.assertIn(expected, pdf_text(pdf))
		self.assertIn(b"/Subtype /Image", pdf)  # the QR code is in the PDF

	def test_not_accepted_notice_says_why_and_where_to_go(self):
		case = make_case(self.tree.town_a, self.clerk)
		case.db_set({"not_accepted_reason": "属于劳动仲裁受理范围", "redirect_to": "南县劳动人事争议仲裁院"})
		move_case(case.name, "Not Accepted")
		with as_user(self.clerk):
			pdf = frappe.get_print("ZZ Case", case.name, "ZZ Not Accepted Notice", as_pdf=True)
		text = pdf_text(pdf)
		for expected in (
			"不予受理告知书",
			case.case_number,
			"属于劳动仲裁受理范围",
			"南县劳动人事争议仲裁院",
		):
			self.assertIn(expected, text)
