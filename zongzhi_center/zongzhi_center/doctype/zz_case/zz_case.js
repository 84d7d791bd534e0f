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
		show_repeat_flags(frm);
		show_reviews(frm);
		if (frm.doc.workflow_state === zz_state("registered")) {
			// at intake the clerk is told at once when the case may already be on file
			frappe
				.xcall("zongzhi_center.api.petitions.suggest_duplicates", { case: frm.doc.name })
				.then(({ suggestions, more }) => {
					if (suggestions.length) {
						frm.dashboard.add_comment(
							__("{0} earlier cases may be the same person or matter: see Related Cases.", [
								suggestions.length + more,
							]),
							"orange",
							true
						);
					}
				});
		}
		// 重复访: the same person or matter on file, whatever door it came through
		frm.add_custom_button(__("Possible Duplicates"), () => show_duplicates(frm), __("Related Cases"));
		if ((frm.doc.linked_cases || []).length) {
			frm.add_custom_button(__("Linked Timeline"), () => show_linked_timeline(frm), __("Related Cases"));
		}
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
		if (zz_states("accepted", "routed", "handed_over").includes(frm.doc.workflow_state)) {
			frm.add_custom_button(__("Who Is on Duty"), () => show_on_duty(frm));
		}
		if (
			zz_states("in_mediation", "in_consultation", "awaiting_party").includes(frm.doc.workflow_state) &&
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

// 重复访 / 越级访: the person's visits and calls and the petition flags, at the top of the form
function show_repeat_flags(frm) {
	const flags = [];
	if (frm.doc.is_repeat_petition) flags.push(__("Repeat Petition"));
	if (frm.doc.is_over_level) flags.push(__("Over-level Petition"));
	if (frm.doc.repeat_visits > 0 || frm.doc.repeat_calls > 0 || flags.length) {
		frm.dashboard.add_comment(
			[
				...flags,
				__("Earlier visits: {0}", [frm.doc.repeat_visits || 0]),
				__("Earlier calls: {0}", [frm.doc.repeat_calls || 0]),
			].join(" · "),
			flags.length ? "red" : "orange",
			true
		);
	}
}

function show_duplicates(frm) {
	frappe
		.xcall("zongzhi_center.api.petitions.suggest_duplicates", { case: frm.doc.name })
		.then(({ suggestions: rows, more }) => {
			if (!rows.length) {
				frappe.msgprint(__("No earlier case of the same person or matter was found."));
				return;
			}
			const dialog = new frappe.ui.Dialog({
				title: __("Possible Duplicates"),
				size: "extra-large",
				fields: [{ fieldname: "list", fieldtype: "HTML" }],
			});
			const esc = frappe.utils.escape_html;
			const body = rows
				.map(
					(r, i) => `<tr>
						<td><a href="/app/zz-case/${encodeURIComponent(r.name)}">${esc(r.case_number)}</a></td>
						<td>${esc(r.title || "")}</td><td>${__(r.workflow_state)}</td>
						<td>${esc(r.current_center || "")}</td><td>${__(r.source)}</td>
						<td>${r.score}</td><td>${r.reasons.map((x) => esc(__(x))).join("；")}</td>
						<td><button class="btn btn-xs btn-default" data-i="${i}" data-do="link">${__("Link Cases")}</button>
						<button class="btn btn-xs btn-default" data-i="${i}" data-do="merge">${__("Merge into It")}</button></td></tr>`
				)
				.join("");
			dialog.fields_dict.list.$wrapper.html(`<table class="table table-bordered"><thead><tr>
				<th>${__("Case Number")}</th><th>${__("Case Title")}</th><th>${__("Case Stage")}</th>
				<th>${__("Centre")}</th><th>${__("Case Source")}</th><th>${__("Match Score")}</th>
				<th>${__("Why Suggested")}</th><th></th></tr></thead>
				<tbody>${body}</tbody></table>${
					more
						? `<p class="text-muted">${__(
								"and {0} more with a lower or equal score (the best {1} are shown)",
								[more, rows.length]
						  )}</p>`
						: ""
				}`);
			dialog.fields_dict.list.$wrapper.on("click", "button", (e) => {
				const row = rows[$(e.currentTarget).data("i")];
				const merge = $(e.currentTarget).data("do") === "merge";
				const call = merge
					? frappe.xcall("zongzhi_center.api.petitions.merge_case", { case: frm.doc.name, into: row.name })
					: frappe.xcall("zongzhi_center.api.petitions.link_case", {
							case: frm.doc.name,
							other: row.name,
							relation: row.relation,
					  });
				call.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
			});
			dialog.show();
		});
}

function show_linked_timeline(frm) {
	frappe.xcall("zongzhi_center.api.petitions.linked_timeline", { case: frm.doc.name }).then((events) => {
		const esc = frappe.utils.escape_html;
		const body = events
			.map(
				(e) => `<tr><td>${frappe.datetime.str_to_user(e.at)}</td><td>${esc(e.case_number || "")}</td>
					<td>${esc(e.text)}</td><td>${esc(e.by || "")}</td></tr>`
			)
			.join("");
		frappe.msgprint({
			title: __("Linked Timeline"),
			message: `<table class="table table-bordered"><thead><tr><th>${__("Time")}</th>
				<th>${__("Case Number")}</th><th>${__("Event")}</th><th>${__("By")}</th></tr></thead>
				<tbody>${body}</tbody></table>`,
			wide: true,
		});
	});
}

// the live workflow's name for a state the form relies on: an administrator may rename it
// (services/workflow_names.py sends the map at boot)
function zz_state(meaning) {
	return ((frappe.boot.zz_workflow || {}).states || {})[meaning];
}

function zz_states(...meanings) {
	return meanings.map(zz_state);
}

// 复查/复核 and 重新办理: a case under review is locked; at intake a concluded 复核 on the same matter is named
function show_reviews(frm) {
	const onload = frm.doc.__onload || {};
	const esc = frappe.utils.escape_html;
	const link = (name, number) => `<a href="/app/zz-case/${encodeURIComponent(name)}">${esc(number)}</a>`;
	const review = onload.zz_under_review;
	if (review) {
		frm.set_intro(
			__("Under {0} in case {1}: this case cannot be changed until the review is concluded.", [
				__(review.review_level),
				link(review.name, review.case_number),
			]),
			"orange"
		);
		frm.disable_form();
		frm.page.clear_actions_menu();
	}
	for (const notice of onload.zz_concluded_re_reviews || []) {
		frm.dashboard.add_comment(
			`${esc(notice.message)} ${link(notice.case, notice.case_number)}`,
			"red",
			true
		);
	}
	const level = onload.zz_review_level;
	if (level && !review) {
		const label = level === "Re-review" ? __("Apply for Re-review") : __("Apply for Review");
		frm.add_custom_button(label, () =>
			ask_reason(label, (reason) =>
				frappe
					.xcall("zongzhi_center.api.reviews.apply_for_review", { case: frm.doc.name, reason })
					.then((r) => frappe.set_route("Form", "ZZ Case", r.name))
			)
		);
	}
	if (frm.doc.workflow_state === zz_state("closed") && !review) {
		frm.add_custom_button(__("Reopen Case"), () =>
			ask_reason(__("Reopen Case"), (reason) =>
				frappe
					.xcall("zongzhi_center.api.reviews.reopen_case", { case: frm.doc.name, reason })
					.then((r) => {
						frappe.show_alert({ message: r.message, indicator: "green" });
						frappe.set_route("Form", "ZZ Case", r.name);
						if (r.reopened) frm.reload_doc();
					})
			)
		);
	}
}

function ask_reason(title, then) {
	frappe.prompt(
		[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
		(values) => then(values.reason),
		title
	);
}
