"""Who reads a case after intake, now that a sister system reads its cases as their owner rather than through a
share, and Frappe's Workflow Action records: over real HTTP requests (token auth) and the Workflow's actions,
as the right users and the wrong ones."""

import hashlib
import inspect
import json
from unittest.mock import patch

import frappe
import frappe.model.meta
from frappe.tests.utils import FrappeTestCase
from frappe.workflow.doctype.workflow_action import workflow_action

from zongzhi_center.overrides import new_docs, workflow_actions
from zongzhi_center.patches import workflow_actions_without_emails
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	act,
	api_credentials,
	as_user,
	case_dict,
	delete_committed,
	edit_case,
	http,
	id_number,
	make_case,
	make_center_tree,
	make_user,
	move_case,
	unique,
)
from zongzhi_center.tests.test_overrides import assert_replaces_frappe

V1 = "/api/method/zongzhi_center.api.v1"


class TestIntakeAccess(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.system_user = make_user([wn.INTEGRATION], cls.tree.town_a, with_api_key=True)
		cls.clerk_a = make_user([wn.INTAKE_CLERK], cls.tree.town_a, with_api_key=True)
		cls.clerk_b = make_user([wn.INTAKE_CLERK], cls.tree.town_b, with_api_key=True)
		cls.dispatcher = make_user([wn.DISPATCHER], cls.tree.town_a)
		cls.second_system_user = make_user([wn.INTEGRATION], cls.tree.town_a, with_api_key=True)
		cls.systems = [
			cls.make_system("hotline", cls.system_user, cls.tree.town_a),
			cls.make_system("grid", cls.second_system_user, cls.tree.town_a),
		]
		cls.users = (cls.system_user, cls.second_system_user, cls.clerk_a, cls.clerk_b, cls.dispatcher)
		cls.keys = {
			u: api_credentials(u) for u in (cls.system_user, cls.second_system_user, cls.clerk_a, cls.clerk_b)
		}
		frappe.db.commit()

	@classmethod
	def make_system(cls, code: str, user: str, center: str) -> str:
		system = frappe.get_doc(
			{
				"doctype": "ZZ Sister System",
				"system_code": unique(code),
				"system_name": code,
				"user": user,
				"default_center": center,
				"source": "Government Source",
				"channel": "12345 Hotline",
			}
		)
		return system.insert(ignore_permissions=True).name

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for system in cls.systems:
			webhook = frappe.db.get_value("ZZ Sister System", system, "webhook")
			frappe.delete_doc("ZZ Sister System", system, force=True, ignore_permissions=True)
			if webhook:
				frappe.delete_doc("Webhook", webhook, force=True, ignore_permissions=True)
		frappe.db.delete(
			"ZZ Outbox", {"reference_doctype": "User", "reference_name": ["in", list(cls.users)]}
		)
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	# ------------------------------------------------------------ helpers
	def submit(self, user: str | None = None) -> str:
		"""A case sent by the sister system (of this API user) over HTTP; its name."""
		external_id = unique("ext")
		body = {
			"title": "楼上漏水纠纷",
			"facts": "楼上住户卫生间漏水，多次协商未果，请求调解赔偿。",
			"external_id": external_id,
			"parties": [
				{
					"party_role": "Applicant",
					"party_name": "赵接口",
					"id_number": id_number(77),
					"phone": "13955554444",
				},
				{"party_role": "Respondent", "party_name": "钱接口"},
			],
		}
		frappe.db.rollback()  # this connection holds no rows the server's request would wait for
		status, data = http("POST", f"{V1}.submit_case", self.keys[user or self.system_user], json=body)
		self.assertEqual(status, 201, data)
		frappe.db.rollback()  # a fresh snapshot: what the server committed
		return frappe.get_all("ZZ Case", filters={"external_id": external_id}, pluck="name")[0]

	def reads(self, user: str, case: str) -> bool:
		"""Whether the user reads the case over REST (/api/resource), as committed."""
		frappe.db.commit()
		status, data = http("GET", f"/api/resource/ZZ Case/{case}", self.keys[user])
		self.assertIn(status, (200, 403, 404), data)
		return status == 200

	def shares(self, case: str) -> dict[str, int]:
		rows = frappe.get_all(
			"DocShare", filters={"share_doctype": "ZZ Case", "share_name": case}, fields=["user", "read"]
		)
		return {row.user: row.read for row in rows}

	def granted(self, case: str) -> dict:
		return json.loads(frappe.db.get_value("ZZ Case", case, "access_granted") or "{}")

	def escalate_to_county(self, case: str):
		move_case(case, wn.state("accepted"))
		edit_case(self.dispatcher, case, target_center=self.tree.county, move_reason="涉及多个乡镇")
		moved = act(self.dispatcher, case, wn.action("escalate"))
		self.assertEqual(moved.current_center, self.tree.county)

	def set_center(self, user: str, center: str):
		frappe.db.delete("User Permission", {"user": user, "allow": "ZZ Center"})
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user,
				"allow": "ZZ Center",
				"for_value": center,
				"is_default": 1,
			}
		).insert(ignore_permissions=True)
		frappe.clear_cache(user=user)
		frappe.db.commit()  # the server reads it on its own connection; a later rollback keeps it

	def set_roles(self, user: str, remove: str, add: str):
		frappe.db.commit()  # what the test did so far, before the user's save locks its rows
		doc = frappe.get_doc("User", user)
		doc.remove_roles(remove)  # saves the user: its on_update syncs the user's cases
		doc.add_roles(add)

	# ------------------------------------------------------------ a sister system's cases
	def test_a_sister_system_reads_its_case_wherever_it_goes_without_a_share(self):
		case = self.submit()
		self.assertEqual(frappe.db.get_value("ZZ Case", case, "first_receiver"), self.system_user)
		self.assertNotIn(self.system_user, self.shares(case))
		self.assertEqual(self.granted(case), {})
		self.assertTrue(self.reads(self.system_user, case))
		self.assertTrue(self.reads(self.clerk_a, case))  # the receiving centre's clerk, by centre
		self.assertFalse(self.reads(self.clerk_b, case))  # the sibling township's clerk

		# the case goes up to the county, a centre the system does not serve: the system still reads it
		self.escalate_to_county(case)
		self.assertTrue(self.reads(self.system_user, case))
		status, data = http(
			"GET",
			f"{V1}.case_status",
			self.keys[self.system_user],
			params={"external_id": frappe.db.get_value("ZZ Case", case, "external_id")},
		)
		self.assertEqual(status, 200, data)
		self.assertFalse(self.reads(self.clerk_a, case))  # no longer in the township, not theirs
		self.assertFalse(self.reads(self.clerk_b, case))

		# the system now serves the other township only: its own case stays readable to it
		self.addCleanup(self.set_center, self.system_user, self.tree.town_a)
		self.set_center(self.system_user, self.tree.town_b)
		self.assertTrue(self.reads(self.system_user, case))
		self.assertNotIn(self.system_user, self.shares(case))
		self.assertFalse(self.reads(self.clerk_b, case))

	def test_when_the_roles_no_longer_read_own_cases_the_case_is_shared_again(self):
		user = self.second_system_user
		case = self.submit(user)
		self.escalate_to_county(case)
		self.assertEqual(self.shares(case), {})

		# the API user becomes a township clerk: the county's case is theirs to read only through a share
		self.set_roles(user, wn.INTEGRATION, wn.INTAKE_CLERK)
		self.assertEqual(self.shares(case), {user: 1})
		self.assertEqual(self.granted(case), {user: False})
		self.assertTrue(self.reads(user, case))
		self.assertFalse(self.reads(self.clerk_a, case))

		# and back: reading as the owner again, the share the app made goes. The re-share is work written to
		# the outbox with the roles (a queue away at that moment loses nothing), done by the next drain.
		from zongzhi_center.services import outbox

		frappe.flags.zz_outbox_deferred = True
		self.addCleanup(setattr, frappe.flags, "zz_outbox_deferred", False)
		with patch.object(outbox, "kick", return_value=False):
			self.set_roles(user, wn.INTAKE_CLERK, wn.INTEGRATION)
		rows = frappe.get_all(
			outbox.OUTBOX,
			filters={"reference_doctype": "User", "reference_name": user, "status": outbox.WAITING},
			fields=["name", "effect"],
		)
		self.assertEqual([r.effect for r in rows], [outbox.ACCESS_SYNC])
		self.assertEqual(self.shares(case), {user: 1})  # not yet
		frappe.db.commit()
		self.assertEqual(outbox.drain(names=[r.name for r in rows])["done"], 1)
		frappe.flags.zz_outbox_deferred = False
		self.assertEqual(self.shares(case), {})
		self.assertEqual(self.granted(case), {})
		self.assertTrue(self.reads(user, case))

	def test_a_clerk_keeps_reading_the_case_received_after_it_moved_and_their_centre_changed(self):
		case = make_case(self.tree.town_a, self.clerk_a).name
		self.assertEqual(self.shares(case), {self.clerk_a: 1})  # a clerk's case is shared as before
		self.escalate_to_county(case)
		self.assertTrue(self.reads(self.clerk_a, case))
		self.addCleanup(self.set_center, self.clerk_a, self.tree.town_a)
		self.set_center(self.clerk_a, self.tree.town_b)
		self.assertTrue(self.reads(self.clerk_a, case))
		self.assertFalse(self.reads(self.clerk_b, case))

	def test_the_insert_leaves_the_case_as_inserted_for_what_runs_after_it(self):
		"""A new case's status webhook and follow-ups see no state change at the insert itself, and no
		Version row records a change nobody made."""
		with as_user(self.clerk_a):
			case = frappe.get_doc(case_dict(self.tree.town_a)).insert()
			self.assertFalse(case.has_value_changed("workflow_state"))
			self.assertFalse(case.state_changed())
		self.assertFalse(frappe.db.exists("Version", {"ref_doctype": "ZZ Case", "docname": case.name}))

	# ------------------------------------------------------------ Workflow Action records
	def test_no_workflow_action_records_while_the_workflow_sends_no_emails(self):
		workflow_actions.install()
		case = make_case(self.tree.town_a, self.clerk_a)
		move_case(case.name, wn.state("accepted"))
		self.assertFalse(frappe.db.exists("Workflow Action", {"reference_name": case.name}))

		# an administrator who turns the workflow's emails on gets Frappe's records from the next save
		case = make_case(self.tree.town_a, self.clerk_a)
		with (
			patch.object(workflow_actions, "send_email_alert", return_value=1),
			patch.object(workflow_action, "send_email_alert", return_value=0),  # no email from the test
		):
			self.assertTrue(workflow_actions.keeps_workflow_actions("ZZ Case"))
			move_case(case.name, wn.state("accepted"))
		self.assertTrue(frappe.db.exists("Workflow Action", {"reference_name": case.name}))
		# Frappe's own DocTypes keep Frappe's behaviour
		self.assertTrue(workflow_actions.keeps_workflow_actions("ToDo"))

	def test_the_workflow_action_wrapper_takes_frappes_parameters_and_is_installed(self):
		original = workflow_actions.frappe_process_workflow_actions
		assert_replaces_frappe(self, workflow_actions, workflow_action, "process_workflow_actions", original)
		path = f"{workflow_action.__name__}.process_workflow_actions"
		self.assertIn(path, frappe.get_hooks("doc_events")["*"]["on_update"])
		self.assertIs(frappe.get_attr(path), workflow_actions.process_workflow_actions)

	def test_the_patch_removes_the_open_actions_left_on_the_apps_records(self):
		case = make_case(self.tree.town_a, self.clerk_a)
		left = self.workflow_action("ZZ Case", case.name)
		other = self.workflow_action("ToDo", frappe.generate_hash(length=10))
		workflow_actions_without_emails.execute()
		self.assertFalse(frappe.db.exists("Workflow Action", left))
		self.assertFalse(frappe.db.exists("Workflow Action Permitted Role", {"parent": left}))
		self.assertTrue(frappe.db.exists("Workflow Action", other))

	def workflow_action(self, doctype: str, name: str) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "Workflow Action",
				"reference_doctype": doctype,
				"reference_name": name,
				"workflow_state": wn.state("registered"),
				"status": "Open",
				"permitted_roles": [{"role": wn.DISPATCHER}],
			}
		)
		doc.flags.ignore_links = True
		return doc.insert(ignore_permissions=True).name

	# ------------------------------------------------------------ whether a DocType is a single
	def test_whether_a_doctype_is_a_single_is_answered_as_frappe_answers_it(self):
		original = new_docs.frappe_is_single
		assert_replaces_frappe(self, new_docs, frappe.model.meta, "is_single", original)
		for doctype in ("ZZ Settings", "ZZ Case", "ZZ Case Party", "ToDo", "System Settings"):
			with self.subTest(doctype=doctype):
				self.assertEqual(bool(new_docs.is_single(doctype)), bool(original(doctype)))
		self.assertFalse(new_docs.is_single(unique("No Such DocType")))
		# a new case's template (and its tables') asks the database nothing about singles
		frappe.local.new_doc_templates = {}
		with patch.object(new_docs, "frappe_is_single") as asked:
			case = frappe.new_doc("ZZ Case")
			for df in case.meta.get_table_fields():
				frappe.new_doc(df.options, parent_doc=case, parentfield=df.fieldname)
		asked.assert_not_called()

	# ------------------------------------------------------------ a case's new rows get Frappe's defaults
	def test_a_cases_new_rows_get_the_defaults_frappes_method_gives(self):
		from frappe.model.document import Document

		# the Frappe method the case's _set_defaults stands in for, as it was read (new_docs.set_defaults)
		source = " ".join(inspect.getsource(Document._set_defaults).split())
		self.assertEqual(hashlib.sha256(source.encode()).hexdigest()[:16], "175484b4548c89a4")
		self.assertEqual(
			frappe.get_doc({"doctype": "ZZ Case"}).__class__._set_defaults.__module__,
			"zongzhi_center.zongzhi_center.doctype.zz_case.zz_case",
		)

		def defaults_by(method, doc):
			doc = frappe.get_doc(doc.as_dict())
			for table in ("parties", "routing_log"):
				for row in doc.get(table):
					setattr(row, "__islocal", 1)  # rows not stored yet, as a client sends them
			method(doc)
			return {
				table: [row.as_dict(no_default_fields=True) for row in doc.get(table)]
				for table in ("parties", "routing_log", "state_history")
			} | {
				"case": {
					k: v for k, v in doc.as_dict(no_default_fields=True).items() if not isinstance(v, list)
				}
			}

		with as_user(self.clerk_a):
			case = frappe.get_doc(case_dict(self.tree.town_a))
			case.append("routing_log", {"move": "Received"})
			self.assertEqual(
				defaults_by(new_docs.set_defaults, case), defaults_by(Document._set_defaults, case)
			)
			# the template of a table with no new rows is not made
			without_rows = frappe.new_doc("ZZ Case")
			frappe.local.new_doc_templates = {}
			new_docs.set_defaults(without_rows)
			self.assertEqual(set(frappe.local.new_doc_templates), {"ZZ Case"})
