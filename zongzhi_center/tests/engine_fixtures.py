"""Calendars shared by the engine tests (plain Python: no site needed)."""

from datetime import date, datetime, timedelta

from zongzhi_center.engine.worktime import WorkCalendar


def days(first: str, last: str) -> list[date]:
	start, end = date.fromisoformat(first), date.fromisoformat(last)
	return [start + timedelta(days=n) for n in range((end - start).days + 1)]


# Spring Festival and National Day 2026 as a county office would enter them: 春节 15–23 February off,
# Saturdays 14 and 28 February worked; 国庆 1–7 October off, Sunday 20 September and Saturday
# 10 October worked. Working hours 08:30–12:00 and 14:00–17:30 (7 hours a day).
CALENDAR_2026 = WorkCalendar.build(
	periods=[("08:30", "12:00"), ("14:00", "17:30")],
	holidays=days("2026-02-15", "2026-02-23") + days("2026-10-01", "2026-10-07"),
	workdays=[date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)],
)


def at(text: str) -> datetime:
	return datetime.fromisoformat(text)
