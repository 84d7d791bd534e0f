"""The outbox on the real site: work that follows a saved record is written in the record's transaction and done
once by the drain; failures are retried and, after the last attempt, given up where an administrator sees
them; a rollback leaves nothing to do; Frappe's Webhooks take the same road (overrides/webhooks.py), and the
Frappe code that road relies on is checked here so that a Frappe update that changes it fails loudly.

These tests go through the drain as production does (`frappe.flags.zz_outbox_deferred`), so they commit their
fixtures and remove them after."""

import inspect
import json
import time
from unittest.mock import patch

import frappe
import frappe.integrations.doctype.webhook as frappe_webhooks
from frappe.integrations.doctype.webhook import webhook as frappe_webhook
from frappe.model.document import Document
from frappe.tests.utils import FrappeTestCase

from zongzhi_center import hooks
from zongzhi_center.services import outbox
from zongzhi_center.services.notify import notify
from zongzhi_center.tests.factories import (
	CallbackReceiver,
	delete_committed,
	make_case,
	make_center_tree,
	make_user,
	unique,
)

OUTBOX = outbox.OUTBOX


def explode(**kwargs):
	raise ValueError("the work failed")


def rows_for(reference_name: str) -> list[frappe._dict]:
	return frappe.get_all(
		OUTBOX,
		filters={"reference_name": reference_name},
		fields=["name", "effect", "status", "attempts", "last_error", "next_attempt_at", "arguments"],
		order_by="name asc",
	)


def notices(user: str, case: str) -> int:
	return frappe.db.count("Notification Log", {"for_user": user, "document_name": case})


class OutboxFixtures:
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for attempt in range(10):  # other runs' centre trees may deadlock with this one's
			try:
				cls.tree = make_center_tree()
				cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
				cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
				frappe.db.commit()
				break
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				frappe.db.rollback()
				if attempt == 9:
					raise
				time.sleep(2 + attempt)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.flags.zz_outbox_deferred = False
		cases = frappe.get_all(
			"ZZ Case", filters={"receiving_center": ["in", list(cls.tree.values())]}, pluck="name"
		)
		if cases:
			frappe.db.delete(OUTBOX, {"reference_name": ["in", cases]})
			frappe.db.delete("Notification Log", {"document_name": ["in", cases]})
		for attempt in range(8):
			try:
				delete_committed(cls.tree, [cls.clerk, cls.director])
				break
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError) as e:
				frappe.db.rollback()
				if attempt == 7:  # what other runs keep locked stays behind on the test site, said so
					print(f"\nleft behind on the test site ({e!r}): {cls.tree}")
				time.sleep(2)
		super().tearDownClass()

	def setUp(self):
		frappe.flags.zz_outbox_deferred = True
		self.addCleanup(setattr, frappe.flags, "zz_outbox_deferred", False)
		# no drain job in the bench's worker: each test drains its own rows and counts what it did
		kick = patch.object(outbox, "kick", return_value=False)
		kick.start()
		self.addCleanup(kick.stop)


class TestOutbox(OutboxFixtures, FrappeTestCase):
	def test_a_notification_is_written_with_the_change_and_made_once(self):
		case = make_case(self.tree.town_a, self.clerk)
		notify([self.director], case, f"Case {case.case_number}: test notice")
		rows = rows_for(case.name)
		self.assertEqual([(r.effect, r.status) for r in rows], [(outbox.NOTIFICATION, outbox.WAITING)])
		self.assertEqual(notices(self.director, case.name), 0)  # nothing until the drain
		frappe.db.commit()
		counts = outbox.drain(names=[r.name for r in rows])
		self.assertEqual(counts["done"], 1)
		self.assertEqual(notices(self.director, case.name), 1)
		outbox.drain(names=[r.name for r in rows])  # a second drain finds nothing to do
		self.assertEqual(notices(self.director, case.name), 1)
		row = rows_for(case.name)[0]
		self.assertEqual((row.status, row.attempts), (outbox.DONE, 1))

	def test_a_rolled_back_change_leaves_no_work(self):
		frappe.db.commit()
		case = make_case(self.tree.town_a, self.clerk)
		name = case.name
		notify([self.director], case, "rolled back")
		frappe.db.rollback()
		self.assertEqual(rows_for(name), [])
		self.assertFalse(getattr(frappe.local, "zz_outbox_lanes", None))

	def test_failing_work_is_retried_later_and_given_up_visibly(self):
		case = make_case(self.tree.town_a, self.clerk)
		notify([self.director], case, "will fail")
		frappe.db.commit()
		(row,) = rows_for(case.name)
		errors_before = frappe.db.count("Error Log", {"reference_name": str(row.name)})
		with patch.dict(outbox.EFFECTS, {outbox.NOTIFICATION: f"{__name__}.explode"}):
			self.assertEqual(outbox.drain(names=[row.name])["failed"], 1)
			failed = rows_for(case.name)[0]
			self.assertEqual((failed.status, failed.attempts), (outbox.WAITING, 1))
			self.assertIn("the work failed", failed.last_error)
			self.assertGreater(
				failed.next_attempt_at, frappe.utils.now_datetime()
			)  # paused before the next try
			self.assertEqual(outbox.drain(names=[row.name])["failed"], 0)  # not due yet
			for _attempt in range(outbox.MAX_ATTEMPTS):
				frappe.db.set_value(OUTBOX, row.name, "next_attempt_at", None)
				frappe.db.commit()
				outbox.drain(names=[row.name])
		given_up = rows_for(case.name)[0]
		self.assertEqual((given_up.status, given_up.attempts), (outbox.GIVEN_UP, outbox.MAX_ATTEMPTS))
		self.assertEqual(frappe.db.count("Error Log", {"reference_name": str(row.name)}), errors_before + 1)
		self.assertEqual(notices(self.director, case.name), 0)  # each failed try was undone
		# an administrator sets it back to Waiting: tried again from the start, and done
		with patch.object(outbox, "kick", return_value=True):
			entry = frappe.get_doc(OUTBOX, row.name)
			entry.status = outbox.WAITING
			entry.save()
			frappe.db.commit()
		self.assertEqual(outbox.drain(names=[row.name])["done"], 1)
		self.assertEqual(notices(self.director, case.name), 1)

	def test_only_system_managers_read_the_outbox(self):
		case = make_case(self.tree.town_a, self.clerk)
		notify([self.director], case, "who reads this")
		(row,) = rows_for(case.name)
		for user in (self.clerk, self.director):
			self.assertFalse(frappe.has_permission(OUTBOX, "read", row.name, user=user))
			frappe.set_user(user)
			try:
				self.assertEqual(frappe.get_list(OUTBOX, filters={"name": row.name}), [])
			except frappe.PermissionError:
				pass
			finally:
				frappe.set_user("Administrator")
		self.assertTrue(frappe.has_permission(OUTBOX, "read", row.name, user="Administrator"))
		frappe.db.rollback()

	def test_the_scheduler_asks_for_a_drain_every_minute(self):
		self.assertIn("zongzhi_center.services.outbox.kick_due", hooks.scheduler_events["cron"]["* * * * *"])


class TestWebhooksThroughTheOutbox(OutboxFixtures, FrappeTestCase):
	def make_webhook(self, url: str) -> str:
		webhook = frappe.get_doc(
			{
				"doctype": "Webhook",
				"name": unique("测试回调"),
				"webhook_doctype": "ZZ Case",
				"webhook_docevent": "on_update",
				"request_url": url,
				"request_method": "POST",
				"request_structure": "JSON",
				"condition": f"doc.receiving_center == {self.tree.town_a!r}",
				"webhook_json": '{"case_number": {{ doc.case_number | tojson }}, "title": {{ doc.title | tojson }}}',
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		frappe.cache.delete_value(
			"webhooks"
		)  # Frappe forgot it before the commit; another run may have cached it

		def remove():
			frappe.db.rollback()
			frappe.db.delete("Webhook Request Log", {"webhook": webhook.name})
			frappe.delete_doc("Webhook", webhook.name, force=True, ignore_permissions=True)
			frappe.db.commit()
			frappe.cache.delete_value("webhooks")  # Frappe forgets its list on a save, not on a delete

		self.addCleanup(remove)
		return webhook.name

	def test_a_webhook_call_is_kept_with_the_change_and_made_by_the_drain(self):
		receiver = CallbackReceiver(self)
		self.make_webhook(receiver.url)
		case = make_case(self.tree.town_a, self.clerk, title="初稿标题")
		case.title = "最终标题"  # saved twice in one transaction: one call, with the last state
		case.save(ignore_permissions=True)
		frappe.db.commit()
		rows = [r for r in rows_for(case.name) if r.effect == outbox.STATUS_CALLBACK]
		self.assertEqual([r.status for r in rows], [outbox.WAITING])
		self.assertEqual(receiver.received, [])
		# the record changes again before the drain: the call tells of the committed change it was made for
		frappe.db.set_value("ZZ Case", case.name, "title", "之后的标题")
		frappe.db.commit()
		self.assertEqual(outbox.drain(names=[r.name for r in rows])["done"], 1)
		self.assertEqual(receiver.received, [{"case_number": case.case_number, "title": "最终标题"}])
		snapshot = json.loads(rows[0].arguments)["snapshot"]
		self.assertEqual(snapshot["title"], "最终标题")
		self.assertFalse([key for key in snapshot if key.endswith("_enc") or isinstance(snapshot[key], list)])

	def test_a_call_that_does_not_get_through_is_tried_again(self):
		receiver = CallbackReceiver(self, status=503)
		webhook = self.make_webhook(receiver.url)
		case = make_case(self.tree.town_a, self.clerk)
		frappe.db.commit()
		(row,) = [r for r in rows_for(case.name) if r.effect == outbox.STATUS_CALLBACK]
		with patch("frappe.integrations.doctype.webhook.webhook.sleep"):  # Frappe pauses between its 3 tries
			self.assertEqual(outbox.drain(names=[row.name])["failed"], 1)
		failed = rows_for(case.name)
		failed = next(r for r in failed if r.name == row.name)
		self.assertEqual((failed.status, failed.attempts), (outbox.WAITING, 1))
		self.assertIn("503", failed.last_error)
		# Frappe's request log of each try is kept for the administrator
		self.assertEqual(
			frappe.db.count("Webhook Request Log", {"webhook": webhook, "reference_document": case.name}), 3
		)
		receiver.status = 200
		frappe.db.set_value(OUTBOX, row.name, "next_attempt_at", None)
		frappe.db.commit()
		self.assertEqual(outbox.drain(names=[row.name])["done"], 1)
		self.assertEqual(len(receiver.received), 4)

	def test_a_rolled_back_change_calls_nobody(self):
		receiver = CallbackReceiver(self)
		self.make_webhook(receiver.url)
		case = make_case(self.tree.town_a, self.clerk)
		name = case.name
		frappe.db.rollback()
		self.assertFalse(getattr(frappe.local, "_webhook_queue", None))
		frappe.db.commit()
		self.assertEqual(rows_for(name), [])
		self.assertEqual(receiver.received, [])

	def test_the_frappe_code_the_webhook_road_relies_on(self):
		"""run_webhooks collects `_dict(doc, webhook)` in frappe.local._webhook_queue, flushed after the commit by
		a function that sends nothing when that list is empty; a document's doc_events run before its
		run_webhooks; enqueue_webhook(doc, webhook) reads the webhook's name and logs each try, with the
		error empty when the call got through."""
		add = inspect.getsource(frappe_webhooks._add_webhook_to_queue)
		self.assertIn("frappe.local._webhook_queue.append(frappe._dict(doc=doc, webhook=webhook))", add)
		self.assertIn("frappe.db.after_commit.add(flush_webhook_execution_queue)", add)
		flush = inspect.getsource(frappe_webhooks.flush_webhook_execution_queue)
		self.assertIn('if not getattr(frappe.local, "_webhook_queue", None):\n\t\treturn', flush)
		self.assertIn("_add_webhook_to_queue(webhook, doc)", inspect.getsource(frappe_webhooks.run_webhooks))
		run_method = inspect.getsource(Document.run_method)
		self.assertLess(run_method.index("Document.hook(fn)"), run_method.index("run_webhooks(self, method)"))
		self.assertEqual(
			list(inspect.signature(frappe_webhook.enqueue_webhook).parameters), ["doc", "webhook"]
		)
		send = inspect.getsource(frappe_webhook.enqueue_webhook)
		self.assertIn('frappe.get_doc("Webhook", webhook.get("name"))', send)
		self.assertIn('"error": frappe.get_traceback()', inspect.getsource(frappe_webhook.log_request))
		self.assertIn(
			'webhooks = frappe.cache.get_value("webhooks", get_all_webhooks)',
			inspect.getsource(frappe_webhooks.run_webhooks),
		)
		# every event a Webhook may follow is watched (the events hooks.py names, and no others)
		events = frappe.get_meta("Webhook").get_field("webhook_docevent").options.split("\n")
		watch = "zongzhi_center.overrides.webhooks.watch"
		watched = {event for event, handlers in hooks.doc_events["*"].items() if watch in handlers}
		self.assertEqual(watched, set(events))
		for event in events:
			self.assertIn(watch, frappe.get_hooks("doc_events")["*"][event])
