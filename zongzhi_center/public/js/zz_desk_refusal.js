// A record of the app the user may not open (another centre's case, say): the desk shows a page that says so,
// in the desk's frame, naming nothing of the record. Frappe's form leaves the page empty behind a dialog.
// Loaded with the app's lists and forms (hooks.py: doctype_list_js); the Frappe code it relies on is checked
// by tests/test_no_hash_ids.py.
(() => {
	if (window.__zz_desk_refusal) return;
	window.__zz_desk_refusal = true;
	const APP_MODULE = "Zongzhi Center";
	const FormFactory = frappe.views && frappe.views.FormFactory;
	if (!FormFactory || !FormFactory.prototype.fetch_and_render) return;

	const fetch_and_render = FormFactory.prototype.fetch_and_render;
	FormFactory.prototype.fetch_and_render = function (doctype, name, doctype_layout) {
		const meta = locals.DocType && locals.DocType[doctype];
		if (!meta || meta.module !== APP_MODULE || (name || "").startsWith("new-")) {
			return fetch_and_render.apply(this, arguments);
		}
		const route = frappe.get_route_str();
		return frappe.call({
			method: "frappe.desk.form.load.getdoc",
			type: "GET",
			args: { doctype, name },
			// as Frappe's own form loads a record: no screen-wide "Loading" backdrop flashing over the desk
			callback: () => fetch_and_render.call(this, doctype, name, doctype_layout),
			error: () =>
				frappe.show_message_page({
					page_name: route,
					message: __(
						"This record is not open to you: it belongs to another centre or to work you have not been given."
					),
					img: "/assets/frappe/images/ui/bubble-tea-sorry.svg",
				}),
		});
	};
})();
