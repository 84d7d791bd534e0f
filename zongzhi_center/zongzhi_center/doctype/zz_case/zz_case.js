// Copyright (c) 2026, Zongzhi Center contributors
// For license information, please see license.txt

frappe.ui.form.on("ZZ Case", {
	setup(frm) {
		// pick from what belongs together: the receiving centre's windows, the department's staff
		frm.set_query("receiving_window", () => ({
			filters: { center: frm.doc.receiving_center, is_active: 1 },
		}));
		frm.set_query("handling_department", () => ({ filters: { is_active: 1 } }));
		frm.set_query("assigned_mediator", () => ({
			filters: frm.doc.handling_department ? { department: frm.doc.handling_department } : {},
		}));
		// a case moves one tier up or down: offer the centre's parent and children only
		frm.set_query("target_center", () => ({
			filters: { name: ["in", frm.zz_move_targets || []] },
		}));
	},

	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.xcall("zongzhi_center.api.routing.move_targets", { case: frm.doc.name })
			.then((targets) => {
				frm.zz_move_targets = [targets.up, ...targets.down].filter(Boolean);
			});
		show_deadline(frm);
		if (frappe.user.has_role("ZZ Center Director") || frappe.user.has_role("System Manager")) {
			// 一案一码: revoke the printed QR code (lost receipt, say) and issue a new one
			frm.add_custom_button(__("Re-issue Tracking Code"), () => {
				frappe.confirm(__("Re-issue Tracking Code") + "?", () =>
					frappe
						.xcall("zongzhi_center.api.tracking.reissue_token", { case: frm.doc.name })
						.then((url) => {
							frappe.msgprint(__("New tracking link: {0}", [url]));
							frm.reload_doc();
						})
				);
			});
		}
		if (["Accepted", "Routed", "Handed Over"].includes(frm.doc.workflow_state)) {
			frm.add_custom_button(__("Who Is on Duty"), () => show_on_duty(frm));
		}
		if (
			["In Mediation", "In Consultation", "Awaiting Party"].includes(frm.doc.workflow_state) &&
			frappe.model.can_create("ZZ Mediation Agreement")
		) {
			frm.add_custom_button(__("ZZ Mediation Session"), () =>
				frappe.new_doc("ZZ Mediation Session", {
					case: frm.doc.name,
					mediator: frm.doc.assigned_mediator,
				}),
				__("Create")
			);
			// 调解协议书: parties and the case are filled in from here
			frm.add_custom_button(__("Mediation Agreement"), () =>
				frappe.new_doc("ZZ Mediation Agreement", {
					case: frm.doc.name,
					mediation_organisation: frm.doc.handling_department,
					mediator: frm.doc.assigned_mediator,
				}),
				__("Create")
			);
		}
	},
});

function show_on_duty(frm) {
	frappe
		.xcall("zongzhi_center.api.rota.on_duty", { center: frm.doc.current_center })
		.then((rows) => {
			if (!rows.length) {
				frappe.msgprint(__("Nobody is on duty or on call now."));
				return;
			}
			const body = rows
				.map(
					(r) => `<tr><td>${frappe.utils.escape_html(r.full_name || r.staff)}</td>
						<td>${__(r.mode)}</td><td>${__(r.availability)}</td>
						<td>${r.matched_expertise.map((e) => frappe.utils.escape_html(e)).join("、")}</td>
						<td>${r.open_cases}</td></tr>`
				)
				.join("");
			frappe.msgprint({
				title: __("Who Is on Duty"),
				message: `<table class="table table-bordered"><thead><tr>
					<th>${__("Name")}</th><th>${__("Mode")}</th><th>${__("Availability")}</th>
					<th>${__("Expertise")}</th><th>${__("Open Cases")}</th></tr></thead>
					<tbody>${body}</tbody></table>`,
				wide: true,
			});
		});
}

// 限时办结: the deadline the case now runs against, how long is left, and its status
function show_deadline(frm) {
	frm.dashboard.clear_headline(); // the form appends headlines: one per refresh otherwise
	if (!frm.doc.sla_status) return;
	const colour = { "On Track": "green", "Due Soon": "orange", Overdue: "red", Paused: "blue" };
	const due = frm.doc.accepted_at ? frm.doc.due_date : frm.doc.accept_by;
	const label = frm.doc.accepted_at ? __("Resolve By") : __("Accept By");
	const days = due ? frappe.datetime.get_day_diff(due, frappe.datetime.now_date()) : 0;
	const left = days >= 0 ? __("{0} days left", [days]) : __("{0} days overdue", [-days]);
	const when = due ? ` · ${label} ${frappe.datetime.str_to_user(due)}（${left}）` : "";
	frm.dashboard.set_headline_alert(`${__(frm.doc.sla_status)}${when}`, colour[frm.doc.sla_status]);
}
