"""The desk's live updates reach the browser as the site is served (nginx in front of gunicorn, socket.io on
the site's own port): a clerk with a case open sees a colleague's comment appear in its timeline, and a
message the server sends to the clerk, without reloading. The realtime server itself answers on the loopback
only: nginx is the one door."""

import os

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests import factories as f
from zongzhi_center.tests.browser import desk_page, desk_ready


class TestLiveDesk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = f.make_center_tree()
		cls.clerk = f.make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		cls.colleague = f.make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		cls.case = f.make_case(cls.tree.town_a, cls.clerk).name
		desk_ready(cls.clerk)  # commits: the browser reads through the web server's connections

	@classmethod
	def tearDownClass(cls):
		f.delete_committed(cls.tree, [cls.clerk, cls.colleague])
		super().tearDownClass()

	def test_a_colleagues_comment_and_a_server_message_reach_the_open_form(self):
		with desk_page(self.clerk, "live-desk-failure.png") as page:
			page.goto(page.url.split("/app")[0] + f"/app/zz-case/{self.case}")
			page.wait_for_selector(".timeline-items")
			page.wait_for_function(
				"frappe.socketio.socket && frappe.socketio.socket.connected", timeout=15000
			)

			with f.as_user(self.colleague):
				frappe.get_doc("ZZ Case", self.case).add_comment("Comment", "当事人来电补充了地址")
			frappe.db.commit()
			page.wait_for_selector("text=当事人来电补充了地址", timeout=15000)

			frappe.publish_realtime("msgprint", "调度员已改派此案", user=self.clerk, after_commit=False)
			page.wait_for_selector(".modal-body:has-text('调度员已改派此案')", timeout=15000)


def listeners(port: int) -> list[str]:
	"""The local addresses (hex, as the kernel lists them) of the sockets listening on this port."""
	found = []
	for table in ("/proc/net/tcp", "/proc/net/tcp6"):
		if not os.path.exists(table):
			continue
		for line in open(table).read().splitlines()[1:]:
			fields = line.split()
			address, hex_port = fields[1].rsplit(":", 1)
			if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
				found.append(address)
	return found


class TestRealtimeOnTheLoopback(FrappeTestCase):
	def test_the_realtime_server_listens_on_the_loopback_only(self):
		port = int(frappe.conf.socketio_port or 9000)
		found = listeners(port)
		self.assertTrue(found, f"nothing listens on the realtime port {port}")
		loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
		self.assertEqual([a for a in found if a not in loopback], [], "socket.io answers beside nginx")

	def test_the_frappe_code_the_loopback_preload_relies_on(self):
		"""The preload gives a host to a listen() called with a port alone: Frappe's realtime server must still
		start its listener that way (a Frappe update that passes a host of its own makes the preload moot)."""
		source = open(frappe.get_app_path("frappe", "..", "realtime", "index.js")).read()
		self.assertIn("io.listen(port)", source)
		preload = frappe.get_app_path("zongzhi_center", "overrides", "realtime_loopback.js")
		self.assertIn("net.Server.prototype.listen", open(preload).read())
