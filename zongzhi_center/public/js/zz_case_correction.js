// 更正 on the case form: once the case is accepted its form belongs to the dispatcher and the director, and a
// clerk corrects typing mistakes (names, phones, addresses, the facts) here. Which fields, the server says
// (ZZ Settings: correctable fields); it writes them alone, with the reason, into the case's timeline.
frappe.ui.form.on("ZZ Case", {
	refresh(frm) {
		const states = (frappe.boot.zz_workflow || {}).states || {};
		// at registration the clerk edits the form itself; a closed case the server refuses
		const not_yet = [states.registered];
		if (
			frm.is_new() ||
			// the server's answer for this case and user
			!(frm.doc.__onload || {}).zz_may_correct ||
			not_yet.includes(frm.doc.workflow_state)
		)
			return;
		frm.add_custom_button(__("Correct Typing Mistakes"), () => zz_correct_case(frm));
	},
});

function zz_correct_case(frm) {
	frappe
		.xcall("zongzhi_center.api.corrections.correction_form", { case: frm.doc.name })
		.then((form) => {
			const fields = form.fields.map((f) => ({
				fieldname: f.fieldname,
				label: f.label,
				fieldtype: f.fieldtype === "Data" ? "Data" : "Small Text",
				default: f.value,
			}));
			for (const party of form.parties) {
				fields.push({
					fieldtype: "Section Break",
					label: __("Party {0} ({1})", [party.idx, party.party_role]),
				});
				for (const f of form.party_fields) {
					fields.push({
						fieldname: `party__${party.name}__${f.fieldname}`,
						label: f.label,
						fieldtype: f.fieldtype === "Data" ? "Data" : "Small Text",
						default: party[f.fieldname],
					});
				}
			}
			fields.push(
				{ fieldtype: "Section Break" },
				{
					fieldname: "zz_reason",
					fieldtype: "Small Text",
					label: __("Reason for the Correction"),
					reqd: 1,
				}
			);
			const dialog = new frappe.ui.Dialog({
				title: __("Correct Typing Mistakes"),
				size: "large",
				fields,
				primary_action_label: __("Save Correction"),
				primary_action(values) {
					const changed = {};
					const parties = {};
					for (const f of form.fields) {
						if ((values[f.fieldname] || "") !== (f.value || "")) {
							changed[f.fieldname] = values[f.fieldname];
						}
					}
					for (const party of form.parties) {
						for (const f of form.party_fields) {
							const value = values[`party__${party.name}__${f.fieldname}`] || "";
							if (value !== (party[f.fieldname] || "")) {
								parties[party.name] = parties[party.name] || { name: party.name };
								parties[party.name][f.fieldname] = value;
							}
						}
					}
					if (Object.keys(parties).length) changed.parties = Object.values(parties);
					if (!Object.keys(changed).length) {
						dialog.hide();
						return;
					}
					frappe
						.xcall("zongzhi_center.api.corrections.correct_case", {
							case: frm.doc.name,
							values: changed,
							reason: values.zz_reason,
						})
						.then(() => {
							dialog.hide();
							frappe.show_alert({
								message: __("Correction saved"),
								indicator: "green",
							});
							frm.reload_doc();
						});
				},
			});
			dialog.show();
		});
}
