"""Overrides of Frappe's own whitelisted methods (hooks.override_whitelisted_methods), in one place.

Each wrapper checks what Frappe 15 forgets on the record the method reads or writes (or drops a flag the
client must not set), then calls Frappe's own method; its docstring gives the reason in one line.
tests/test_overrides.py checks that every wrapper still takes the parameters of the Frappe method it wraps,
so a Frappe update that changes one fails loudly.

- annotations.py: likes, follows, tags, comments and form locks a user puts on a record
- case_load.py: not a whitelisted method but Frappe's Document.load_from_db for the case (from
  ZZCase.load_from_db), its eight tables read by one plain query each on every load of a case
- client.py: frappe.client (get, get_count)
- desk.py: the desk's form navigation, link search, linked records, workflow counts, the list sidebar's
  "Assigned To" counts, dashboard charts (heatmaps included)
- files.py: attaching and uploading files to a record
- new_docs.py: not a whitelisted method but Frappe's own frappe.model.meta.is_single, answered from the cached
  meta so that a new document's tables cost no query each (installed before every request and job)
- permissions.py: not a whitelisted method but Frappe's own has_child_permission, replaced so that a row of
  the app's child tables is judged by its stored parent record (installed before every request and job)
- query_fields.py: not a whitelisted method but Frappe's query builder's sanitize_fields, whose sqlparse
  cleaning of a field name is kept per name instead of done again on every get_value (installed before every
  request and job)
- redirects.py: not a whitelisted method but Frappe's website path resolver's resolve_redirect, with the
  site's Website Route Redirect rows read from the cache (installed before every request)
- shares.py: not a whitelisted method but Frappe's frappe.share.get_shared, the records shared with a user
  asked of the database in one plain query (installed before every request and job)
- realtime_loopback.js: not Python but a preload of Frappe's realtime server (node --require), which keeps
  its socket.io listener on the loopback, behind nginx
- reportview.py: the list view's total of cases (frappe.desk.reportview.get_count), from each centre's kept
  number of cases when the user asks for the whole list
- printing.py: print preview, raw printing, PDF download and network printing, of the stored document only
- visibility.py: what tells a user about records beyond the ones they open: a link's title, live list updates
- webhooks.py: not a whitelisted method but Frappe's Webhooks: their calls are written to the outbox in the
  transaction of the change that triggers them, instead of being handed to Redis after it (doc_events "*")
- workflow_actions.py: not a whitelisted method but Frappe's own process_workflow_actions (a doc_events hook),
  replaced so that the app's records make no Workflow Action rows while their workflow sends no emails

The titles of linked records in the desk's list view are no override: permissions/guards.py takes them out of
the list's query and permissions/titles.py answers them after it, for the records the user may see.
"""
