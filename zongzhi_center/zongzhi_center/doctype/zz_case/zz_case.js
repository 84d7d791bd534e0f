// Copyright (c) 2026, Zongzhi Center contributors
// For license information, please see license.txt

// what the form shows beside the case comes with it (services/case_form.py, the case's onload); a workflow
// action answers with the saved case alone, and then one request brings it (once per version of the case)
frappe.provide("zongzhi_center.case_form");
zongzhi_center.case_form.extras = (frm) => {
	const sent = (frm.doc.__onload || {}).zz_form;
	if (sent) return Promise.resolve(sent);
	const version = `${frm.doc.name} ${frm.doc.modified}`;
	if (frm.zz_extras_version !== version) {
		frm.zz_extras_version = version;
		frm.zz_extras = frappe
			.xcall("zongzhi_center.api.case_form.extras", { case: frm.doc.name })
			.then((extras) => {
				if (frm.zz_extras_version === version) {
					frm.doc.__onload = Object.assign(frm.doc.__onload || {}, { zz_form: extras });
				}
				return extras;
			});
	}
	return frm.zz_extras;
};

// and the workflow actions Frappe's form asks for as it opens: answered from what came with the case while
// the form shows the case as it was sent (tests/test_form_load.py checks the Frappe code this relies on)
if (!frappe.workflow.__zz_sent_transitions) {
	const get_transitions = frappe.workflow.get_transitions;
	frappe.workflow.get_transitions = function (doc) {
		const sent = doc && doc.doctype === "ZZ Case" && ((doc.__onload || {}).zz_form || {}).transitions;
		if (sent && sent.modified === doc.modified && !doc.__unsaved) {
			frappe.workflow.setup(doc.doctype);
			return Promise.resolve(sent.list);
		}
		return get_transitions.apply(this, arguments);
	};
	frappe.workflow.__zz_sent_transitions = true;
}

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
		// the Connections' counts came with the case: Frappe's dashboard does not ask for them again as the
		// form opens; a form shown again later (from the page's memory) asks, as Frappe does
		const connections = ((frm.doc.__onload || {}).zz_form || {}).connections;
		const loaded = frm.doc.__last_sync_on;
		if (connections && loaded && new Date() - loaded < 10000 && frm.dashboard.links_area) {
			frm.dashboard.update_badges(connections);
			frm.dashboard_data = { count: connections };
			frm.dashboard._fetched_counts = true;
		}
		// the form refreshes more than once as it loads: only the latest refresh shows what came with the case
		const asked = (frm.zz_extras_asked = (frm.zz_extras_asked || 0) + 1);
		zongzhi_center.case_form.extras(frm).then(({ move_targets, duplicates }) => {
			if (asked !== frm.zz_extras_asked) return;
			frm.zz_move_targets = [move_targets.up, ...move_targets.down].filter(Boolean);
			// at intake the clerk is told at once when the case may already be on file
			if (frm.doc.workflow_state === zz_state("registered") && duplicates) {
				frm.dashboard.add_comment(
					__("{0} earlier cases may be the same person or matter: see Related Cases.", [duplicates]),
					zz_headline_colour(frm, "orange"),
					true
				);
			}
		});
		show_deadline(frm);
		show_repeat_flags(frm);
		explain_routing(frm);
		show_reviews(frm);
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

// 在岗人员: who can take the case now, those with the expertise its category needs first, each with the
// reason; one click gives the case to the person (and routes it when it waits for routing)
function show_on_duty(frm) {
	frappe.xcall("zongzhi_center.api.rota.for_case", { case: frm.doc.name }).then((found) => {
		const esc = frappe.utils.escape_html;
		const rows = found.rows;
		if (!rows.length) {
			frappe.msgprint(__("Nobody is on duty or on call now."));
			return;
		}
		const dialog = new frappe.ui.Dialog({
			title: __("Who Is on Duty"),
			size: "extra-large",
			fields: [{ fieldname: "list", fieldtype: "HTML" }],
		});
		const needed = found.needed.length
			? __("A {0} case needs: {1}", [esc(found.category || ""), found.needed.map(esc).join("、")])
			: __("The case's category names no expertise: everyone on duty is listed.");
		const body = rows
			.map(
				(r, i) => `<tr>
					<td>${esc(r.full_name || r.staff)}</td><td>${esc(r.department || "")}</td>
					<td>${esc(r.mode_label)}</td><td>${esc(r.availability_label)}</td>
					<td>${r.matched_expertise.map(esc).join("、")}</td><td>${r.open_cases}</td>
					<td>${esc(r.reason)}</td>
					<td>${
						found.can_assign && !r.current
							? `<button class="btn btn-xs btn-primary" data-i="${i}">${__("Assign to This Person")}</button>`
							: ""
					}</td></tr>`
			)
			.join("");
		dialog.fields_dict.list.$wrapper.html(`<p>${needed}</p><table class="table table-bordered"><thead><tr>
			<th>${__("Name")}</th><th>${__("Department")}</th><th>${__("Mode")}</th>
			<th>${__("Availability")}</th><th>${__("Expertise")}</th><th>${__("Open Cases")}</th>
			<th>${__("Why Suggested")}</th><th></th></tr></thead><tbody>${body}</tbody></table>`);
		dialog.fields_dict.list.$wrapper.on("click", "button[data-i]", (e) => {
			const row = rows[$(e.currentTarget).data("i")];
			const give = (reason) =>
				frappe
					.xcall("zongzhi_center.api.rota.assign", { case: frm.doc.name, staff: row.staff, reason })
					.then((r) => {
						dialog.hide();
						frappe.show_alert({ message: r.message, indicator: "green" });
						frm.reload_doc();
					});
			if (found.needs_reason) {
				ask_reason(__("Transfer Case"), give); // a transfer says why
			} else {
				give();
			}
		});
		dialog.show();
	});
}

// 分流交办 is offered once the case has a department or mediator: until then the form says what is missing.
// In the form's message area, which is also the headline's (dashboard.set_headline_alert writes there):
// show_deadline empties it once per refresh, so the risk and the deadline above this stay
function explain_routing(frm) {
	if (frm.doc.nobody_to_take) {
		frm.layout.show_message(
			__("Nobody at the handling department can start mediation on this case: route it elsewhere or give the department a user."),
			zz_headline_colour(frm, "red")
		);
	} else if (
		frm.doc.workflow_state === zz_state("accepted") &&
		!frm.doc.handling_department &&
		!frm.doc.assigned_mediator
	) {
		frm.layout.show_message(
			__("To route the case, choose the handling department or the mediator and save, or pick a person under Who Is on Duty."),
			zz_headline_colour(frm, "blue")
		);
	}
}

// 限时办结: the deadline the case now runs against, how long is left, and its status
function show_deadline(frm) {
	frm.dashboard.clear_headline(); // the form appends headlines: one per refresh otherwise
	show_risk(frm);
	if (!frm.doc.sla_status) return;
	const colour = { "On Track": "green", "Due Soon": "orange", Overdue: "red", Paused: "blue" };
	const due = frm.doc.accepted_at ? frm.doc.due_date : frm.doc.accept_by;
	const label = frm.doc.accepted_at ? __("Resolve By") : __("Accept By");
	const when = due ? ` · ${label} ${frappe.datetime.str_to_user(due)}（${zz_time_left(due)}）` : "";
	frm.dashboard.set_headline_alert(
		`${__(frm.doc.sla_status)}${when}`,
		zz_headline_colour(frm, colour[frm.doc.sla_status])
	);
}

// how long until the deadline: in days while a day or more is left, in hours and minutes on the last day
// (a clock of two working hours reads "1 hour 30 minutes left", never "0 days left")
function zz_time_left(due) {
	const minutes = moment(due).diff(moment(frappe.datetime.now_datetime()), "minutes");
	const span = Math.abs(minutes);
	if (span >= 24 * 60) {
		const days = frappe.datetime.get_day_diff(due, frappe.datetime.now_date());
		return days >= 0 ? __("{0} days left", [days]) : __("{0} days overdue", [-days]);
	}
	const hours = Math.floor(span / 60);
	const text = hours
		? __("{0} hours {1} minutes", [hours, span % 60])
		: __("{0} minutes", [span]);
	return minutes >= 0 ? __("{0} left", [text]) : __("{0} overdue", [text]);
}

// the headline's lines share one box of one colour: the most urgent of its lines gives it, so a red case
// stays red whatever is said after it
const ZZ_HEADLINE_RANK = ["blue", "green", "yellow", "orange", "red"];
function zz_headline_colour(frm, colour) {
	const rank = (c) => ZZ_HEADLINE_RANK.indexOf(c || "blue");
	if (rank(colour) > rank(frm.zz_headline_colour)) frm.zz_headline_colour = colour;
	return frm.zz_headline_colour || "blue";
}

// 风险等级: a red (or orange) case says so first, in its colour, with the reason
function show_risk(frm) {
	frm.zz_headline_colour = null;
	const risk = frm.doc.risk_color; // the override, when there is one, is already the case's colour
	const colour = { Red: "red", Orange: "orange" }[risk];
	if (!colour) return;
	const reason = frm.doc.risk_override ? frm.doc.risk_override_reason : frm.doc.risk_reason;
	const esc = frappe.utils.escape_html;
	frm.dashboard.set_headline_alert(
		`<span class="indicator ${colour}">${__("Risk Colour")}: ${esc(__(risk))}</span>` +
			(reason ? ` · ${esc(reason)}` : ""),
		zz_headline_colour(frm, colour)
	);
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
			zz_headline_colour(frm, flags.length ? "red" : "orange"),
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
			zz_headline_colour(frm, "orange")
		);
		frm.disable_form();
		frm.page.clear_actions_menu();
	}
	for (const notice of onload.zz_concluded_re_reviews || []) {
		frm.dashboard.add_comment(
			`${esc(notice.message)} ${link(notice.case, notice.case_number)}`,
			zz_headline_colour(frm, "red"),
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
