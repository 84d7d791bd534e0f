"""A request the database gave up on (a deadlock, or a lock waited for longer than the server allows) is refused
as "busy, try again", not as a server error.

When several people act on one case at the same moment, MariaDB makes all but one wait for the case's row and,
under load, gives up on a waiter (lock wait timeout) or picks a deadlock victim. Frappe rolls the request back —
nothing of it was kept — but answers 500 with the database's English text. The desk and REST clients are told
instead, in the user's language, that the server is busy and the action may simply be repeated (503, with
Retry-After); the sister-system API says the same in its own shape (api/errors.py)."""

import json

from frappe import _

GIVEN_UP = ("QueryDeadlockError", "QueryTimeoutError")


def answer_busy(response=None, request=None):
	"""after_request: a 500 caused by the database giving up on a lock becomes a translated 503."""
	if response is None or response.status_code != 500 or response.mimetype != "application/json":
		return
	try:
		body = json.loads(response.get_data(as_text=True))
	except ValueError:
		return
	if not isinstance(body, dict) or body.get("exc_type") not in GIVEN_UP:
		return
	message = _("The server is busy. Please try again in a moment.")
	body.pop("exc", None)
	body.pop("exception", None)
	body["_server_messages"] = json.dumps(
		[json.dumps({"message": message, "title": _("Busy"), "indicator": "orange"})]
	)
	response.set_data(json.dumps(body))
	response.status_code = 503
	response.headers["Retry-After"] = "2"
