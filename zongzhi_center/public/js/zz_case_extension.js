// 延期 on the case form: the handler asks for more days with a reason; a director decides on the request
// (ZZ Deadline Extension, its workflow). Who may ask, and how many days, the server decides.
frappe.ui.form.on("ZZ Case", {
	refresh(frm) {
		const running = ["On Track", "Due Soon"].includes(frm.doc.sla_status);
		if (frm.is_new() || !running || !frappe.model.can_create("ZZ Deadline Extension")) return;
		frm.add_custom_button(
			__("Ask for Extension"),
			() => {
				const dialog = new frappe.ui.Dialog({
					title: __("Ask for Extension"),
					fields: [
						{ fieldname: "requested_days", fieldtype: "Int", label: __("Extension (Days)"), reqd: 1 },
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
					],
					primary_action_label: __("Ask"),
					primary_action(values) {
						frappe
							.xcall("frappe.client.insert", {
								doc: { doctype: "ZZ Deadline Extension", case: frm.doc.name, ...values },
							})
							.then(() => {
								dialog.hide();
								frappe.show_alert({ message: __("Extension asked for"), indicator: "green" });
								frm.reload_doc();
							});
					},
				});
				dialog.show();
			},
			__("Create")
		);
	},
});
