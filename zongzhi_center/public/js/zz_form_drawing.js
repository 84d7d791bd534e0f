// What a record's form draws after its first screen. A case carries its parties, its handling, deadlines,
// routing log and state history on the tabs behind the first, and its activity (each change, each workflow
// step) below its fields; Frappe draws all of it before it shows the form, which made a case open markedly
// slower than a short record. Only the drawing waits, never the data: the rows and the activity are in the
// record from the start, and what is drawn later is drawn by Frappe's own code
// (tests/test_form_drawing.py opens such forms in the desk and checks the Frappe code this relies on).
(() => {
	const APP_MODULE = "Zongzhi Center";
	const app_form = (frm) => frm && frm.meta && frm.meta.module === APP_MODULE && frm.doc;

	// ------------------------------------------------------------------ the fields on the tabs behind the first
	// the form opens on its first tab; a field on another tab is shown or hidden as Frappe decides at once
	// (which sections and tabs show depends on it), and its value (a table's rows) is drawn when its tab is
	// first shown; from then on it is refreshed as Frappe refreshes it

	const waits = (control) => {
		const frm = control.frm;
		return (
			app_form(frm) &&
			!frm.is_new() && // a new record is filled in on its tabs one after another: drawn as Frappe does
			control.tab &&
			!control.tab.is_active() &&
			!control.zz_drawn
		);
	};

	// the fields of the tab that were left undrawn, drawn as it is about to be shown
	const draw_when_shown = (tab) => {
		if (tab.zz_draws_fields) return;
		tab.zz_draws_fields = true;
		// (the tab is not active yet as it is about to be shown)
		tab.tab_link.find(".nav-link").on("show.bs.tab", () => {
			const waiting = tab.zz_waiting || [];
			tab.zz_waiting = [];
			for (const control of waiting) {
				if (control.zz_drawn || !(control.frm && control.frm.doc)) continue;
				control.zz_drawn = true;
				control.refresh();
			}
		});
	};

	const adjust_controls = (Control) => {
		if (!Control || Control.prototype.__zz_drawing) return;
		const refresh = Control.prototype.refresh;
		Control.prototype.refresh = function () {
			// a kind of field with a refresh of its own (colour, phone…) is drawn as Frappe does
			if (this.refresh !== Control.prototype.refresh || !waits(this)) {
				this.zz_drawn = true;
				return refresh.apply(this, arguments);
			}
			// Frappe's refresh up to drawing the value (tests/test_form_drawing.py checks it)
			this.disp_status = this.get_status();
			this.$wrapper && this.$wrapper.toggleClass("hide-control", this.disp_status == "None");
			const tab = this.tab;
			tab.zz_waiting = tab.zz_waiting || [];
			if (!tab.zz_waiting.includes(this)) tab.zz_waiting.push(this);
			draw_when_shown(tab);
		};
		Control.prototype.__zz_drawing = true;
	};

	// the first tab is made shown, as a form opens on it: Frappe makes every tab hidden and then shows the
	// first through Bootstrap, which lays the whole form out at once, before the form is complete, and the
	// browser lays it out again as it paints (a form shown again opens on the tab it was left on, as before)
	const adjust_layout = (Layout) => {
		if (!Layout || Layout.prototype.__zz_drawing) return;
		const make_tab = Layout.prototype.make_tab;
		Layout.prototype.make_tab = function (df) {
			const first = app_form(this.frm) && !this.tabs.length && df && !df.active;
			if (first) df.active = 1;
			try {
				return make_tab.apply(this, arguments);
			} finally {
				if (first) delete df.active;
			}
		};
		Layout.prototype.__zz_drawing = true;
	};

	// ------------------------------------------------------------------ the activity below the fields
	// drawn just after the form is shown (in the browser's next task), not before it
	const adjust_footer = (Footer) => {
		if (!Footer || Footer.prototype.__zz_drawing) return;
		const refresh = Footer.prototype.refresh;
		Footer.prototype.refresh = function () {
			if (!app_form(this.frm) || this.frm.is_new()) return refresh.apply(this, arguments);
			clearTimeout(this.zz_drawing);
			this.zz_drawing = setTimeout(() => {
				if (this.frm.doc) refresh.apply(this);
			}, 0);
		};
		Footer.prototype.__zz_drawing = true;
	};

	// a class of the desk adjusted now, or as it is defined when its bundle loads later (after any other
	// script's adjustment of it: zz_desk_titles.js, loaded with the app's forms, uses this too)
	frappe.provide("zongzhi_center");
	zongzhi_center.when_defined = (namespace, key, adjust) => {
		const before = Object.getOwnPropertyDescriptor(namespace, key);
		let value = namespace[key];
		adjust(value);
		Object.defineProperty(namespace, key, {
			configurable: true,
			get: () => (before && before.get ? before.get() : value),
			set: (defined) => {
				if (before && before.set) before.set(defined);
				adjust(defined);
				value = defined;
			},
		});
	};
	frappe.provide("frappe.ui.form");
	zongzhi_center.when_defined(frappe.ui.form, "Control", adjust_controls);
	zongzhi_center.when_defined(frappe.ui.form, "Footer", adjust_footer);
	zongzhi_center.when_defined(frappe.ui.form, "Layout", adjust_layout);
})();
