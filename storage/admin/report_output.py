"""`python -m storage report`: the head of unit's figures as rich tables, CSV or JSON."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from rich.bar import Bar
from rich.console import Console, Group

from storage.admin.plain_table import PlainTable
from storage.cases.report import DEFAULT_WEEKS, Report, head_of_unit_report
from storage.errors import DomainError
from storage.records import to_jsonable

CSV_COLUMNS = ("figure", "week", "office", "case_type", "stage", "value")


def decimal_pl(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def csv_rows(report: Report) -> list[tuple[object, ...]]:
    """Every figure as one row: (figure, week, office, case_type, stage, value)."""
    rows: list[tuple[object, ...]] = []
    for w in report.weekly:
        week = w.week.isoformat()
        rows += [
            ("filings_total", week, "", "", "", w.filings),
            ("decisions", week, "", "", "", w.decisions),
            ("closures", week, "", "", "", w.closures),
            ("backlog", week, "", "", "", w.backlog),
        ]
    rows += [("filings", f.week.isoformat(), f.office, f.case_type, "", f.count) for f in report.filings]
    for s in report.by_stage:
        rows += [("open", "", "", "", s.stage, s.open), ("overdue", "", "", "", s.stage, s.overdue)]
    rows += [
        ("open_total", "", "", "", "", report.open_total),
        ("overdue_total", "", "", "", "", report.overdue_total),
        ("decisions_total", "", "", "", "", report.decisions_total),
        ("days_to_decision_median", "", "", "", "", "" if report.median_days is None else report.median_days),
        ("days_to_decision_p90", "", "", "", "", "" if report.p90_days is None else report.p90_days),
    ]
    return rows


def write_csv(report: Report, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(report))


def tables(report: Report) -> Group:
    where = report.office or "oba oddziały"
    weekly = PlainTable(title=f"Tygodniowo ({where}, od {report.first_week:%d.%m.%Y})")
    for name in ("tydzień od", "wpływ", "", "decyzje", "zakończone", "otwarte na koniec"):
        weekly.add_column(name, justify="left" if name in ("tydzień od", "") else "right")
    top = max((w.filings for w in report.weekly), default=0) or 1
    for w in report.weekly:
        weekly.add_row(
            f"{w.week:%d.%m.%Y}",
            str(w.filings),
            Bar(top, 0, w.filings, width=20),
            str(w.decisions),
            str(w.closures),
            str(w.backlog),
        )

    filings = PlainTable(title="Wpływ według oddziału i rodzaju sprawy")
    for name in ("tydzień od", "oddział", "rodzaj sprawy", "wpływ"):
        filings.add_column(name, justify="right" if name == "wpływ" else "left")
    for f in report.filings:
        filings.add_row(f"{f.week:%d.%m.%Y}", f.office, f.case_type_label, str(f.count))

    stages = PlainTable(title="Sprawy otwarte według etapu")
    for name in ("etap", "otwarte", "po terminie"):
        stages.add_column(name, justify="left" if name == "etap" else "right")
    for s in report.by_stage:
        stages.add_row(s.label, str(s.open), str(s.overdue))
    stages.add_row("razem", str(report.open_total), str(report.overdue_total), style="bold")

    summary = PlainTable(title="Czas do decyzji (dni od złożenia)")
    summary.add_column("decyzje w okresie", justify="right")
    summary.add_column("mediana", justify="right")
    summary.add_column("90. percentyl", justify="right")
    summary.add_row(str(report.decisions_total), decimal_pl(report.median_days), decimal_pl(report.p90_days))
    return Group(weekly, summary, stages, filings)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--weeks", type=int, default=DEFAULT_WEEKS, help=f"ile tygodni wstecz (domyślnie {DEFAULT_WEEKS})"
    )
    parser.add_argument("--office", help="GDA albo SLU (domyślnie oba oddziały)")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="zapisz te same liczby do pliku CSV")
    parser.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> None:
    report = head_of_unit_report(weeks=args.weeks, office=args.office)
    if args.csv:
        try:
            write_csv(report, args.csv)
        except OSError as exc:
            raise DomainError("csv", f"nie można zapisać pliku {args.csv}: {exc.strerror}") from None
    if args.json:
        print(json.dumps(to_jsonable(report), ensure_ascii=False, indent=2))
    else:
        Console().print(tables(report))
