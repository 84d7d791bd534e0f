"""Hardening over real HTTP requests: the public tracking page's counters, uploads, bad input, what a print
may load, the shipped security defaults and who is System Manager.

- /track: a case number with an invisible character is the same case number, for the look-up and for the
  count of wrong phone digits; a forwarded-for header counts only when a trusted proxy set it.
- uploads: page types (shtml, xhtml, svg, …), public attachments and names with bidi or control characters
  are refused, on the desk's upload and the sister-system API; private files go to the browser as downloads.
- bad input: an impossible date, NaN, 1e300, a body that is not JSON: 4xx in the API's own error shape.
- prints load nothing from outside the site (the control shows wkhtmltopdf would).
- password policy, login lockout, session expiry and log retention are on, an administrator's value is kept;
  no user but Administrator becomes System Manager by Frappe's own doing.

Pages are served in other threads with their own connections: fixtures are committed and deleted afterwards.
"""

import base64
import io
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import frappe
from frappe.installer import update_site_config
from frappe.tests.utils import FrappeTestCase
from frappe.utils import cint

from zongzhi_center.engine import print_resources
from zongzhi_center.engine import tracking as engine_tracking
from zongzhi_center.engine import uploads as engine_uploads
from zongzhi_center.setup import demo, security
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	delete_committed,
	http,
	make_case,
	make_center_tree,
	make_user,
	raw_insert,
	run_in_thread,
	unique,
)

CASE = "ZZ Case"
M = "/api/method/"
V1 = "/api/method/zongzhi_center.api.v1.submit_case"
PHONE = "13987654321"


def get(path: str, remote: str, params: dict | None = None, forwarded: str | None = None, credentials=None):
	"""GET as a client whose socket address is ``remote`` (optionally with an X-Forwarded-For header):
	(status, text, headers)."""
	from frappe.app import application
	from werkzeug.test import Client

	site = frappe.local.site
	headers = {"X-Forwarded-For": forwarded} if forwarded else {}
	if credentials:
		headers["Authorization"] = f"token {credentials}"

	def send():
		response = Client(application).get(
			path,
			base_url=f"http://{site}",
			query_string=params,
			headers=headers,
			environ_base={"REMOTE_ADDR": remote},
		)
		return response.status_code, response.get_data(as_text=True), dict(response.headers)

	return run_in_thread(send)


def send_json(method: str, path: str, credentials: str, body, language: str | None = None):
	"""A request whose body is ``body`` (a string is sent as it is, with the JSON content type)."""
	headers = {"Accept": "application/json", "Content-Type": "application/json"}
	if language:
		headers["Accept-Language"] = language
	data = body if isinstance(body, str) else json.dumps(body)
	status, raw = http(method, path, credentials, headers=headers, data=data)
	try:
		return status, json.loads(raw.decode())
	except ValueError:
		return status, {"raw": raw.decode()}


def server_messages(answer: dict) -> str:
	return " ".join(
		json.loads(m).get("message", "") for m in json.loads(answer.get("_server_messages") or "[]")
	)


def speaks_chinese(user: str):
	doc = frappe.get_doc("User", user)
	doc.language = "zh"
	doc.save(ignore_permissions=True)


def make_sister_system(user: str, center: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "ZZ Sister System",
				"system_code": unique("hardening"),
				"system_name": "12345",
				"user": user,
				"default_center": center,
				"source": "Government Source",
				"channel": "12345 Hotline",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def intake_payload(**overrides) -> dict:
	body = {
		"title": "楼上漏水纠纷",
		"facts": "楼上住户卫生间漏水，多次协商未果，请求调解赔偿。",
		"external_id": unique("hard"),
		"parties": [{"party_role": "Applicant", "party_name": "赵接口", "phone": "13955554444"}],
	}
	body.update(overrides)
	return body


# ---------------------------------------------------------------------------------------------- /track
class TestTrackingCounters(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		party = {"party_role": "Applicant", "party_type": "Person", "party_name": "钱查询", "phone": PHONE}
		cls.number = make_case(cls.tree.town_a, cls.clerk, parties=[party]).case_number
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		delete_committed(cls.tree, [cls.clerk])
		cls.set_limits(30, 5)
		super().tearDownClass()

	@classmethod
	def set_limits(cls, per_minute: int, failures: int):
		frappe.db.set_single_value("ZZ Settings", "tracking_requests_per_minute", per_minute)
		frappe.db.set_single_value("ZZ Settings", "tracking_failures_per_case", failures)
		frappe.db.commit()

	def setUp(self):
		frappe.cache.delete_keys("zz-track:")

	def look_up(self, number: str, digits: str, remote: str = "192.0.2.10") -> int:
		return get("/track", remote, {"case_number": number, "phone4": digits})[0]

	def test_invisible_characters_make_no_new_case_number(self):
		self.set_limits(30, 2)
		n = self.number
		variants = [
			n[:4] + "\u200b" + n[4:],  # zero-width space: the database's collation ignores it
			"\ufeff" + n,
			n + "\u2060",
			n.replace("-", "\u200c-\u200d"),
			"\u200e" + n + "\u200f",
			"\u202d" + n + "\u202c",
			n.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-"}),  # full-width digits
			f" {n}\t",
		]
		# each variant is the case's number: the right digits find the case (and clear nothing)
		self.assertEqual([self.look_up(v, "4321") for v in variants], [200] * len(variants))
		# two wrong guesses, through two variants, lock the one number for the hour
		self.assertEqual(self.look_up(variants[0], "0000"), 404)
		self.assertEqual(self.look_up(variants[6], "1111"), 404)
		self.assertEqual([self.look_up(v, "4321") for v in [n, *variants]], [404] * (len(variants) + 1))
		self.assertEqual(cint(frappe.cache.get(frappe.cache.make_key(f"zz-track:fail:{n}"))), 2)
		# what cannot be a case number is looked up nowhere
		self.assertEqual(self.look_up("430921' or '1'='1", "4321"), 404)

	def test_forwarded_for_counts_only_from_trusted_proxies(self):
		self.set_limits(3, 5)
		path = f"/track?case_number={self.number}&phone4=4321"
		fresh = [get(path, "192.0.2.20", forwarded=f"198.51.100.{i}")[0] for i in range(4)]
		self.assertEqual(fresh, [200, 200, 200, 429])  # a fresh header each time is the same client
		self.assertEqual(get(path, "192.0.2.21")[0], 200)  # another socket address is another client
		update_site_config("zz_trusted_proxies", ["192.0.2.30/32"])
		self.addCleanup(update_site_config, "zz_trusted_proxies", "None")
		via_proxy = [get(path, "192.0.2.30", forwarded="203.0.113.7")[0] for _ in range(4)]
		self.assertEqual(via_proxy, [200, 200, 200, 429])
		self.assertEqual(get(path, "192.0.2.30", forwarded="203.0.113.8")[0], 200)
		# a hop the client wrote itself (left of what the proxy appended) is not believed
		self.assertEqual(get(path, "192.0.2.30", forwarded="203.0.113.99, 203.0.113.7")[0], 429)

	def test_client_address_and_case_number_rules(self):
		trusted = ["10.0.0.0/8", "::1"]
		cases = [
			(("192.0.2.1", "1.2.3.4", trusted), "192.0.2.1"),  # peer not a proxy: header ignored
			(("10.0.0.2", "1.2.3.4", trusted), "1.2.3.4"),
			(("10.0.0.2", "9.9.9.9, 1.2.3.4", trusted), "1.2.3.4"),
			(("10.0.0.2", "1.2.3.4, 10.0.0.3", trusted), "1.2.3.4"),  # two proxies
			(("10.0.0.2", "garbage", trusted), "10.0.0.2"),
			(("10.0.0.2", None, trusted), "10.0.0.2"),
			(("10.0.0.2", "1.2.3.4", None), "10.0.0.2"),  # no proxy named: the socket's address
			(("::1", "2001:db8::5", trusted), "2001:db8::5"),
			(("10.0.0.2", "1.2.3.4", "10.0.0.2, 10.0.0.9"), "1.2.3.4"),
		]
		for args, expected in cases:
			self.assertEqual(engine_tracking.client_address(*args), expected, args)
		self.assertEqual(
			engine_tracking.case_number_key("\u200b４３０９２１-2026-000001 "), "430921-2026-000001"
		)
		self.assertIsNone(engine_tracking.case_number_key("430921%"))
		self.assertIsNone(engine_tracking.case_number_key(""))
		self.assertEqual(engine_tracking.digits("４３２１\u200b"), "4321")


# ---------------------------------------------------------------------------------------------- uploads
class TestUploads(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a, with_api_key=True)
		cls.integration = make_user(["ZZ Integration"], cls.tree.town_a, with_api_key=True)
		cls.system = make_sister_system(cls.integration, cls.tree.town_a)
		cls.case = make_case(cls.tree.town_a, cls.clerk).name
		cls.keys = {u: api_credentials(u) for u in (cls.clerk, cls.integration)}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("File", {"attached_to_doctype": CASE, "attached_to_name": ["in", cls.cases()]})
		frappe.delete_doc("ZZ Sister System", cls.system, force=True, ignore_permissions=True)
		delete_committed(cls.tree, list(cls.keys))
		super().tearDownClass()

	@classmethod
	def cases(cls) -> list[str]:
		return frappe.get_all(
			CASE, filters={"receiving_center": ["in", list(cls.tree.values())]}, pluck="name"
		)

	def upload(self, file_name: str, content: bytes = b"<script>alert(document.cookie)</script>", private=1):
		data = {
			"file": (io.BytesIO(content), file_name),
			"doctype": CASE,
			"docname": self.case,
			"is_private": str(private),
		}
		status, body = http(
			"POST",
			f"{M}upload_file",
			self.keys[self.clerk],
			headers={"Accept": "application/json"},
			data=data,
		)
		return status, json.loads(body.decode())

	def files_named(self, file_name: str) -> list[str]:
		frappe.db.rollback()
		return frappe.get_all("File", filters={"file_name": file_name}, pluck="name")

	def test_page_types_are_refused(self):
		for ext in ("shtml", "xhtml", "html", "htm", "svg", "xml", "js", "exe"):
			name = f"{unique('evidence')}.{ext}"
			status, body = self.upload(name)
			self.assertEqual(status, 417, f"{ext}: {body}")
			self.assertIn("AttachmentTypeError", body.get("exc_type", ""), ext)
			self.assertEqual(self.files_named(name), [], ext)

	def test_allowed_file_is_private_and_served_as_a_download(self):
		name = f"{unique('证据')}.pdf"
		status, body = self.upload(name, b"%PDF-1.4 evidence")
		self.assertEqual(status, 200, body)
		self.assertEqual(body["message"]["is_private"], 1)
		status, data, headers = get(
			body["message"]["file_url"], "192.0.2.40", credentials=self.keys[self.clerk]
		)
		self.assertEqual((status, data), (200, "%PDF-1.4 evidence"))
		self.assertTrue(headers["Content-Disposition"].startswith("attachment"), headers)
		self.assertEqual(headers["X-Content-Type-Options"], "nosniff")

	def test_public_attachments_are_refused(self):
		name = f"{unique('photo')}.png"
		status, body = self.upload(name, b"\x89PNG\r\n", private=0)
		self.assertEqual(status, 417, body)
		self.assertIn("PublicAttachmentError", body.get("exc_type", ""))
		self.assertEqual(self.files_named(name), [])

	def test_names_with_bidi_or_control_characters_are_refused(self):
		for name in (
			"photo\u202egnp.pdf",
			"a\u2066b\u2069.pdf",
			"a\u200fb.pdf",
			"a\u200eb.pdf",
			"a\x7fb.pdf",
		):
			status, body = self.upload(name, b"%PDF-1.4")
			self.assertEqual(status, 417, f"{name!r}: {body}")
			self.assertIn("AttachmentNameError", body.get("exc_type", ""), repr(name))
			self.assertEqual(self.files_named(name), [], repr(name))

	def test_the_allowed_list_is_a_setting_page_types_never(self):
		before = frappe.db.get_single_value("ZZ Settings", "allowed_attachment_extensions")
		self.assertEqual(
			engine_uploads.allowed_extensions(before), engine_uploads.allowed_extensions(None)
		)  # shipped as the default
		frappe.db.set_single_value("ZZ Settings", "allowed_attachment_extensions", f"{before}, 7z, shtml")
		frappe.db.commit()
		self.addCleanup(self.restore_setting, before)
		self.assertEqual(self.upload(f"{unique('bundle')}.7z", b"7z")[0], 200)
		self.assertEqual(self.upload(f"{unique('page')}.shtml")[0], 417)
		meta_default = frappe.get_meta("ZZ Settings").get_field("allowed_attachment_extensions").default
		self.assertEqual(meta_default, engine_uploads.DEFAULT_ALLOWED)
		self.assertFalse(engine_uploads.allowed_extensions(meta_default) & engine_uploads.NEVER_ALLOWED)

	def restore_setting(self, value):
		frappe.db.set_single_value("ZZ Settings", "allowed_attachment_extensions", value)
		frappe.db.commit()

	def test_sister_system_attachments_follow_the_same_rules(self):
		bad = {
			"page.shtml": "not_allowed",
			"photo\u202egnp.pdf": "invalid",
			"noextension": "not_allowed",
		}
		for name, code in bad.items():
			body = intake_payload(
				attachments=[{"file_name": name, "content": base64.b64encode(b"<b>x</b>").decode()}]
			)
			status, answer = send_json("POST", V1, self.keys[self.integration], body)
			self.assertEqual(status, 422, f"{name!r}: {answer}")
			self.assertIn(
				("attachments[0].file_name", code), {(e["field"], e["code"]) for e in answer["errors"]}
			)
			frappe.db.rollback()
			self.assertFalse(frappe.db.exists(CASE, {"external_id": body["external_id"]}))
		body = intake_payload(
			attachments=[{"file_name": "申请书.pdf", "content": base64.b64encode(b"%PDF").decode()}]
		)
		status, answer = send_json("POST", V1, self.keys[self.integration], body)
		self.assertEqual(status, 201, answer)


# ---------------------------------------------------------------------------------------------- bad input
class TestBadInput(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a, with_api_key=True)
		speaks_chinese(cls.clerk)
		cls.integration = make_user(["ZZ Integration"], cls.tree.town_a, with_api_key=True)
		cls.system = make_sister_system(cls.integration, cls.tree.town_a)
		cls.case = make_case(cls.tree.town_a, cls.clerk).name
		cls.keys = {u: api_credentials(u) for u in (cls.clerk, cls.integration)}
		cls.stored = frappe.db.get_value(CASE, cls.case, "modified")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.delete_doc("ZZ Sister System", cls.system, force=True, ignore_permissions=True)
		delete_committed(cls.tree, list(cls.keys))
		super().tearDownClass()

	def count_cases(self) -> int:
		frappe.db.rollback()
		return frappe.db.count(CASE, {"receiving_center": ["in", list(self.tree.values())]})

	def test_sister_system_api(self):
		key = self.keys[self.integration]
		before = self.count_cases()
		bad = [
			(intake_payload(incident_date="2026-02-31"), ("incident_date", "invalid")),
			(intake_payload(amount_in_dispute=1e300), ("amount_in_dispute", "too_long")),
			(json.dumps(intake_payload()).replace('"parties"', '"amount_in_dispute": NaN, "parties"'), None),
			(
				json.dumps(intake_payload()).replace('"parties"', '"amount_in_dispute": Infinity, "parties"'),
				None,
			),
		]
		for body, expected in bad:
			status, answer = send_json("POST", V1, key, body)
			self.assertEqual(status, 422, answer)
			fields = {(e["field"], e["code"]) for e in answer["errors"]}
			self.assertIn(expected or ("amount_in_dispute", "invalid"), fields)
		for text in ("{not json", '{"title": "未完'):
			status, answer = send_json("POST", V1, key, text, language="zh-CN")
			self.assertEqual(status, 400, answer)
			self.assertEqual(
				answer, {"errors": [{"field": "", "code": "invalid", "message": "请求正文不是有效的 JSON。"}]}
			)
		self.assertEqual(self.count_cases(), before)

	def test_resource_api(self):
		key = self.keys[self.clerk]
		before = self.count_cases()
		new = {
			"title": "楼上漏水纠纷",
			"facts": "楼上住户卫生间漏水，请求调解。",
			"source": "Petition Source",
			"receiving_center": self.tree.town_a,
			"parties": [
				{"party_role": "Applicant", "party_type": "Person", "party_name": "赵", "phone": PHONE}
			],
		}
		path = f"/api/resource/{CASE}"
		attempts = [
			("POST", path, dict(new, incident_date="2026-02-31"), "日期"),
			("POST", path, dict(new, amount_in_dispute=1e300), "数字"),
			("POST", path, dict(new, repeat_visits=1e300), "整数"),
			("PUT", f"{path}/{self.case}", {"amount_in_dispute": "NaN"}, "数字"),
			("PUT", f"{path}/{self.case}", '{"amount_in_dispute": NaN}', "数字"),
			("PUT", f"{path}/{self.case}", {"incident_date": "2026-13-01"}, "日期"),
		]
		for method, url, body, word in attempts:
			# an API client asks for its language (a token carries none)
			status, answer = send_json(method, url, key, body, language="zh")
			self.assertEqual(status, 422, f"{body}: {answer}")
			self.assertEqual(answer.get("exc_type"), "InvalidValueError", answer)
			self.assertIn(word, server_messages(answer))  # in the user's language
			self.assertNotIn("exc", answer)  # no traceback
		status, answer = send_json("POST", path, key, "{not json")
		self.assertEqual(status, 400, answer)
		self.assertEqual(answer["exc_type"], "ValidationError")
		self.assertEqual(self.count_cases(), before)
		self.assertEqual(frappe.db.get_value(CASE, self.case, "modified"), self.stored)
		# good values still save
		status, answer = send_json("PUT", f"{path}/{self.case}", key, {"incident_date": "2026-02-28"})
		self.assertEqual(status, 200, answer)


# ---------------------------------------------------------------------------------------------- prints
class Recorder(BaseHTTPRequestHandler):
	"""Records every request: a print that makes the server fetch a URL from user content shows here."""

	seen: list = []

	def do_GET(self):
		Recorder.seen.append(self.path)
		self.send_response(200)
		self.send_header("Content-Type", "image/png")
		self.end_headers()

	def log_message(self, *args):
		pass


class TestPrintResources(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.server = HTTPServer(("127.0.0.1", 0), Recorder)
		threading.Thread(target=cls.server.serve_forever, daemon=True).start()
		cls.base = f"http://127.0.0.1:{cls.server.server_port}"
		cls.tree = make_center_tree()
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a, with_api_key=True)
		html = (
			f'<p>会商纪要</p><img src="{cls.base}/minutes.png">'
			f'<div style="background:url({cls.base}/style.png)">背景</div>'
			f'<iframe src="{cls.base}/frame.html"></iframe>'
			f'<p style="background:\\75 rl({cls.base}/escaped.png)">转义</p>'
			f'<img srcset="/assets/frappe/images/frappe-framework-logo.svg 1x, {cls.base}/srcset.png 2x">'
			f'<a href="{cls.base}/link">链接</a>'
		)
		cls.case = make_case(
			cls.tree.town_a, cls.director, facts=f'事实 <img src="{cls.base}/facts.png"> 。'
		).name
		cls.consultation = raw_insert(
			{
				"doctype": "ZZ Consultation",
				"title": unique("联合会商"),
				"convening_center": cls.tree.town_a,
				"meeting_time": "2026-12-01 09:00:00",
				"minutes": html,
			}
		)
		cls.key = api_credentials(cls.director)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		cls.server.shutdown()
		frappe.db.rollback()
		frappe.db.delete("ZZ Consultation", {"name": cls.consultation})
		delete_committed(cls.tree, [cls.director])
		super().tearDownClass()

	def setUp(self):
		Recorder.seen.clear()

	def test_wkhtmltopdf_fetches_what_a_page_names(self):
		"""The control: Frappe's PDF of a page with a remote image calls that URL from the server."""
		from frappe.utils.pdf import get_pdf

		get_pdf(f'<html><body><img src="{self.base}/control.png"></body></html>')
		self.assertIn("/control.png", Recorder.seen)

	def test_prints_of_the_app_fetch_nothing_from_user_content(self):
		prints = [
			{"doctype": CASE, "name": self.case, "format": "ZZ Case File"},
			{"doctype": CASE, "name": self.case, "format": "Standard"},
			{"doctype": "ZZ Consultation", "name": self.consultation, "format": "Standard"},
		]
		for params in prints:
			status, pdf = http("GET", f"{M}frappe.utils.print_format.download_pdf", self.key, params)
			self.assertEqual(status, 200, f"{params}: {pdf[:300]} {Recorder.seen}")
			self.assertTrue(pdf.startswith(b"%PDF"), params)
		self.assertEqual(Recorder.seen, [])
		# the print view in the browser: the same body, the text kept
		status, text, _headers = get(
			"/printview",
			"192.0.2.50",
			{"doctype": "ZZ Consultation", "name": self.consultation, "format": "Standard"},
			credentials=self.key,
		)
		self.assertEqual(status, 200)
		self.assertIn("会商纪要", text)
		self.assertIn("链接", text)
		for path in ("minutes.png", "style.png", "frame.html", "escaped.png", "srcset.png"):
			self.assertNotIn(f"{self.base}/{path}", text, path)

	def test_what_a_print_body_keeps(self):
		hosts = {"site.example:8000"}
		keep = print_resources.keep_site_resources
		kept = [
			'<img src="data:image/png;base64,iVBORw0KGgo=">',
			'<img src="/files/photo.png">',
			'<img src="/private/files/photo.png?fid=1">',
			'<img src="http://site.example:8000/assets/frappe/logo.png">',
			'<a href="https://elsewhere.example/">x</a>',
			'<p style="color: red">x</p>',
		]
		for html in kept:
			value = html.split('"')[1]
			self.assertIn(value.replace("&", "&amp;"), keep(html, hosts), html)
		dropped = [
			'<img src="http://10.0.0.5/x.png">',
			'<img src="//10.0.0.5/x.png">',
			'<img src="http://site.example:8000/api/method/logout">',
			'<img src="/files/../api/method/logout">',
			'<img src="/files/%2e%2e/api/method/logout">',
			'<img src="file:///etc/passwd">',
			'<img src="data:image/svg+xml,<svg/>">',
			'<img src="ht\ntp://10.0.0.5/x.png">',
			'<image href="http://10.0.0.5/x.png"></image>',
			'<p style="background:url(http://10.0.0.5/x.png)">x</p>',
			'<p style="background:\\75 rl(http://10.0.0.5/x.png)">x</p>',
			'<img srcset="/files/a.png 1x, http://10.0.0.5/x.png 2x">',
		]
		for html in dropped:
			for needle in ("10.0.0.5", "logout", "passwd", "svg"):
				self.assertNotIn(needle, keep(html, hosts), html)
		for html in ('<iframe src="/files/a.html"></iframe>', '<link rel="stylesheet" href="/assets/a.css">'):
			self.assertEqual(keep(html, hosts), "", html)
		self.assertEqual(keep("<style>@import 'http://10.0.0.5/a.css';</style><p>x</p>", hosts), "<p>x</p>")


# ---------------------------------------------------------------------------------------------- defaults
class TestSecurityDefaults(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for doctype in ("System Settings", "Log Settings"):
			frappe.clear_document_cache(doctype, doctype)
		frappe.cache.delete_value("system_settings")
		frappe.cache.hdel("defaults", "__default")
		frappe.db.value_cache.pop("System Settings", None)  # this connection's copy of the rolled-back values
		if hasattr(frappe.local, "system_settings"):
			del frappe.local.system_settings

	def test_the_site_has_the_shipped_defaults(self):
		for fieldname, value in security.SYSTEM_SETTINGS.items():
			note = frappe.db.get_value(
				"ZZ Shipped Definition",
				{"ref_doctype": "System Settings", "ref_name": fieldname},
				"last_sync_note",
			)
			self.assertTrue(note, fieldname)
			if note.startswith("set to"):
				self.assertEqual(
					str(frappe.db.get_single_value("System Settings", fieldname)), value, fieldname
				)
		self.assertEqual(cint(frappe.db.get_single_value("System Settings", "enable_password_policy")), 1)
		kept = {row.ref_doctype: row.days for row in frappe.get_doc("Log Settings").logs_to_clear}
		for doctype in security.LOG_RETENTION_DAYS:
			self.assertGreaterEqual(kept.get(doctype, 0), 180, doctype)

	def test_an_administrators_value_is_kept(self):
		frappe.db.delete(
			"ZZ Shipped Definition", {"ref_doctype": ["in", ["System Settings", "Log Settings"]]}
		)
		settings = frappe.get_single("System Settings")
		settings.minimum_password_score = "4"  # the administrator's stricter policy
		settings.session_expiry = "170:00"  # still Frappe's default
		settings.flags.ignore_mandatory = True
		settings.save()
		logs = frappe.get_single("Log Settings")
		logs.set("logs_to_clear", [])
		logs.append("logs_to_clear", {"ref_doctype": "Activity Log", "days": 365})
		logs.append("logs_to_clear", {"ref_doctype": "Route History", "days": 90})
		logs.save()
		security.ensure_security_defaults()
		value = lambda f: str(frappe.db.get_single_value("System Settings", f))  # noqa: E731
		self.assertEqual((value("minimum_password_score"), value("session_expiry")), ("4", "08:00"))
		days = {row.ref_doctype: row.days for row in frappe.get_doc("Log Settings").logs_to_clear}
		self.assertEqual((days["Activity Log"], days["Route History"]), (365, 180))
		# decided once: the administrator sets Frappe's default again, and it stays
		settings = frappe.get_single("System Settings")
		settings.session_expiry = "170:00"
		settings.flags.ignore_mandatory = True
		settings.save()
		security.ensure_security_defaults()
		self.assertEqual(value("session_expiry"), "170:00")

	def test_lockout_and_password_policy_over_http(self):
		user = make_user(["ZZ Intake Clerk"])
		password = "Qingshi-tiaojie-2026!"
		from frappe.utils.password import update_password

		update_password(user, password)
		frappe.db.commit()
		# Frappe also counts failures per address, read from X-Forwarded-For: each run uses addresses of
		# its own, never the tests' common 127.0.0.1
		addresses = [f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}" for _ in range(2)]
		self.addCleanup(self.forget_user, user, addresses)

		def login(pwd, address):
			return http(
				"POST",
				f"{M}login",
				headers={"Accept": "application/json", "X-Forwarded-For": address},
				data={"usr": user, "pwd": pwd},
			)

		# the allowed failures, and one more
		attempts = int(security.SYSTEM_SETTINGS["allow_consecutive_login_attempts"]) + 1
		failed = [login("wrong-password", addresses[0])[0] for _ in range(attempts)]
		self.assertEqual(failed, [401] * attempts)
		# the account is locked: the right password, from another address, is refused too
		status, body = login(password, addresses[1])
		self.assertNotEqual(status, 200, body)
		self.assertIn(b"locked", body)
		# the policy: a password of score 2 (enough by Frappe's default) is refused, a strong one passes
		check = f"{M}frappe.core.doctype.user.user.test_password_strength"
		for candidate, passes in (("zongzhi", False), (password, True)):
			status, body = http(
				"POST", check, headers={"Accept": "application/json"}, data={"new_password": candidate}
			)
			self.assertEqual(status, 200, body)
			result = json.loads(body)["message"]["feedback"]["password_policy_validation_passed"]
			self.assertEqual(result, passes, candidate)

	def forget_user(self, user: str, addresses: list[str]):
		for key in (user, *addresses):
			frappe.cache.hdel("login_failed_count", key)
			frappe.cache.hdel("login_failed_time", key)
		frappe.db.rollback()
		frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_on_trash=True)
		frappe.db.commit()


# ---------------------------------------------------------------------------------------------- roles
class TestSystemManagerRole(FrappeTestCase):
	def setUp(self):
		# the situation in which Frappe hands out System Manager: setup done, no one else holds it
		frappe.db.set_single_value("System Settings", "setup_complete", 1)
		others = frappe.get_all(
			"Has Role",
			filters={"role": "System Manager", "parenttype": "User", "parent": ["!=", "Administrator"]},
			pluck="parent",
		)
		if others:
			frappe.db.set_value("User", {"name": ["in", others]}, "enabled", 0)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.clear_document_cache("System Settings", "System Settings")

	def test_frappe_would_give_it(self):
		user = frappe.new_doc("User")
		user.update({"email": f"{unique('sm')}@zz-test.example.com", "first_name": "对照"})
		user.append_roles("ZZ Intake Clerk")
		user.add_system_manager_role()  # Frappe's own step of validate
		self.assertIn("System Manager", [r.role for r in user.roles])

	def test_no_user_becomes_system_manager_unasked(self):
		clerk = make_user(["ZZ Intake Clerk"])
		self.assertNotIn("System Manager", frappe.get_roles(clerk))
		with as_user(clerk):  # saving one's own profile
			profile = frappe.get_doc("User", clerk)
			profile.bio = "窗口受理"
			profile.save()
		self.assertNotIn("System Manager", frappe.get_roles(clerk))
		# an administrator who gives the role: it stays
		frappe.get_doc("User", clerk).add_roles("System Manager")
		self.assertIn("System Manager", frappe.get_roles(clerk))

	def test_the_demo_gives_it_to_administrator_only(self):
		demo.ensure_centers()
		demo.ensure_departments()
		demo.ensure_users()
		director = "director@example.com"
		self.assertNotIn("System Manager", frappe.get_roles(director))
		# a demo site where Frappe had made the director System Manager: loading the demo takes it back
		frappe.get_doc(
			{
				"doctype": "Has Role",
				"parent": director,
				"parenttype": "User",
				"parentfield": "roles",
				"role": "System Manager",
			}
		).db_insert()
		frappe.clear_cache(user=director)
		self.assertIn("System Manager", frappe.get_roles(director))
		demo.ensure_users()
		for email, *_rest in demo.USERS:
			self.assertNotIn("System Manager", frappe.get_roles(email), email)
		self.assertIn("System Manager", frappe.get_roles("Administrator"))
