"""The language of a request signed in with an API key: the user's own, as the desk has it.

Frappe picks a request's language before it reads the `Authorization` header, so a sister system's user
(role ZZ Integration) was answered as a guest is: in the language of its `Accept-Language` header, or the
system's. A client that sends no such header — the usual REST client library, a hotline's server job — got
English refusals and field errors although its user is set to Chinese. Runs as an auth hook, after
Frappe's key sign-in and before the app's own checks of the request, so their refusals are translated too.
An explicit `_lang` in the request still wins, as in Frappe; a user without a language keeps the guess.
"""

import frappe


def use_the_users_language():
	if frappe.session.user in (None, "", "Guest") or frappe.form_dict.get("_lang"):
		return
	language = frappe.get_cached_value("User", frappe.session.user, "language")
	if language:
		frappe.local.lang = language
