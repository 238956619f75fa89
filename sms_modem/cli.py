"""`python -m sms_modem` / `okienko-sms`: run the loop, check the modem, send a test text,
show the outbox, or start the software modem. The SIM PIN comes from OKIENKO_MODEM_PIN.

`mail` runs the e-mail loop (relay from OKIENKO_SMTP, sender from OKIENKO_MAIL_FROM) and
`mail-test` sends one sample e-mail through the relay."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import signal
import sys
import time

from rich.console import Console
from rich.text import Text

from sms_modem.loop import LoopSettings, QuietHours, SendLoop
from sms_modem.mail_loop import MailLoop, MailSettings, build_message, parse_sender
from sms_modem.modem import LinkDown, ModemLink, SendFailed
from sms_modem.modem import MaybeSent as TextMaybeSent
from sms_modem.smtp_relay import MaybeSent, Refused, Relay, RelayConfig, RelayDown, SettingsError
from sms_modem.texts import TextTooLong, stage_changed_text
from storage import mail as mail_store
from storage import sms as store
from storage.mail import ClaimedMail

DEFAULT_PORTAL = os.environ.get("OKIENKO_PORTAL_URL", "").strip() or "https://okienko.example/status"
# Checked at start beside the store's own (storage.config has their rules).
SMS_SETTINGS = ("OKIENKO_PORTAL_URL", "OKIENKO_MODEM_PIN")


def _pin() -> str | None:
    return os.environ.get("OKIENKO_MODEM_PIN") or None


def _rate(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("the rate cannot be negative")
    return value


def cmd_run(args: argparse.Namespace) -> int:
    try:
        quiet = QuietHours.parse(args.quiet_hours)
        settings = LoopSettings(
            port=args.port, baud=args.baud, pin=_pin(), portal_url=args.portal_url, per_minute=args.per_minute,
            quiet=quiet, prompt_timeout_s=args.prompt_timeout, body_timeout_s=args.body_timeout,
            min_lease_s=args.lease_seconds, heartbeat_s=args.heartbeat_seconds,
        )  # fmt: skip
        loop = SendLoop(settings)
    except (ValueError, TextTooLong) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return _run_until_stopped(loop, args.once)


def _run_until_stopped(loop: SendLoop | MailLoop, once: bool) -> int:
    """systemd's SIGTERM and Ctrl+C both end the loop between two sends, never inside one."""
    signal.signal(signal.SIGTERM, lambda *_: loop.stop.set())
    try:
        sent = loop.run(once=once)
    except KeyboardInterrupt:
        loop.stop.set()
        return 130
    if once:
        print(f"sent {sent}")
    return 0


def _connected(args: argparse.Namespace) -> ModemLink:
    link = ModemLink(args.port, args.baud, _pin(), network_timeout=args.network_timeout)
    link.open()
    return link


def _mail_settings(args: argparse.Namespace) -> MailSettings:
    return MailSettings(
        relay=RelayConfig.parse(os.environ.get("OKIENKO_SMTP", "")),
        sender=parse_sender(args.sender or os.environ.get("OKIENKO_MAIL_FROM", "")),
        portal_url=args.portal_url,
        **(
            {"max_attempts": args.max_attempts, "retry_base_s": args.retry_seconds, "min_lease_s": args.lease_seconds}
            if args.command == "mail"
            else {}
        ),
    )


def cmd_mail(args: argparse.Namespace) -> int:
    return _run_until_stopped(MailLoop(_mail_settings(args)), args.once)


def cmd_mail_test(args: argparse.Namespace) -> int:
    """One sample notification to an address of the administrator's choosing, through the relay."""
    settings = _mail_settings(args)
    item = ClaimedMail(0, args.to, args.lang, args.kind, args.office, 1, store.utcnow())
    try:
        Relay(settings.relay).send(build_message(item, settings), settings.sender.addr_spec, args.to)
    except (RelayDown, MaybeSent, Refused) as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 4
    print(f"sent through {settings.relay.shown}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    link = _connected(args)
    try:
        info = link.info()
    finally:
        link.close()
    rows = [("manufacturer", info.manufacturer), ("model", info.model), ("signal (0-31)", info.signal),
            ("network", info.network), ("registration", info.registration), ("SMSC", info.smsc)]  # fmt: skip
    for label, value in rows:
        print(f"{label:14} {value}")
    return 0


def cmd_send_test(args: argparse.Namespace) -> int:
    number = store.normalise_mobile(args.to)
    if number is None:
        print("error: --to: a mobile number is required", file=sys.stderr)
        return 2
    text = stage_changed_text(args.lang, args.portal_url)
    link = _connected(args)
    try:
        reference = link.send(number, text)
        print(f"sent to {number}, reference {reference}: {text}")
        report = link.reports.get(timeout=args.wait_report) if args.wait_report else None
        if report:
            print(f"delivery report: {'delivered' if report.delivered else f'not delivered ({report.status})'}")
    except TextMaybeSent as exc:
        print(f"unknown: {exc}", file=sys.stderr)
        return 4
    except SendFailed as exc:
        print(f"failed: {exc.code}: {exc.detail}", file=sys.stderr)
        return 4
    finally:
        link.close()
    return 0


def _heartbeat_seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 60:
        raise argparse.ArgumentTypeError("the heartbeat must come at least every 60 s (and more than 0)")
    return value


def _when(moment: dt.datetime | None) -> str:
    return f"{store.to_warsaw(moment):%Y-%m-%d %H:%M:%S}" if moment else "–"


def _state_words(state) -> str:
    detail = ", ".join(str(part) for part in (state.reason, state.detail) if part)
    return f" ({detail}{f', {state.minutes} min' if state.minutes is not None else ''})"


def _beat_table(b, rows: list[tuple[str, str]]) -> store.PlainTable:
    """One heartbeat row as a table; the rows the two channels share come after the channel's own."""
    table = store.PlainTable(show_header=False, title=f"heartbeat of {b.sender}", title_justify="left")
    shared = [("seen", _when(b.seen_at)), ("loop", f"{b.owner}, started {_when(b.started_at)}"
              + ("" if b.running else ", stopped")), ("looked at outbox", _when(b.looked_at))]  # fmt: skip
    last_try = f"{b.last_try}{f' {b.last_try_code}' if b.last_try_code else ''} at {_when(b.last_try_at)}"
    tail = [("last try", last_try if b.last_try else "–"), ("last send", _when(b.last_sent_at)),
            ("last error", f"{_when(b.last_error_at)} {b.last_error}" if b.last_error else "–")]  # fmt: skip
    for label, value in shared + rows + tail:
        table.add_row(label, value)
    return table


def cmd_status(args: argparse.Namespace) -> int:
    counts = store.counts()
    mail_counts = mail_store.counts()
    problems = store.problems()
    beats = store.heartbeats(store.SMS)
    mail_beats = store.heartbeats(store.MAIL)
    state = store.modem_state(beats[0] if beats else None, store.utcnow())
    mail_state = store.mail_state()
    if args.json:
        print(json.dumps({"modem": {"state": state.code, "reason": state.reason, "minutes": state.minutes},
                          "mail": {"state": mail_state.code, "reason": mail_state.reason,
                                   "minutes": mail_state.minutes, "detail": mail_state.detail},
                          "heartbeats": [b.as_dict() for b in beats],
                          "mail_heartbeats": [b.as_dict() for b in mail_beats],
                          "counts": counts, "mail_counts": mail_counts,
                          "needs_attention": [
            {"channel": p.channel, "id": p.id, "case_number": store.format_number(p.number), "state": p.state,
             "attempts": p.attempts,
             "error_code": p.error_code, "error": p.last_error, "updated_at": p.updated_at.isoformat()}
            for p in problems]}, ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    console = Console()
    # The reasons, the network name and the relay's answers come from outside: text, never markup.
    console.print(Text.assemble("modem: ", (state.code, "bold"), store.plain(_state_words(state))))
    console.print(Text.assemble("e-mail: ", (mail_state.code, "bold"), store.plain(_state_words(mail_state))))
    for b in beats:
        console.print(_beat_table(b, [
            ("connected", "yes" if b.connected else "no"),
            ("signal (0-31)", "–" if b.signal is None else str(b.signal)),
            ("network", b.network or "–"), ("registration", b.registration or "–"),
            ("quiet hours", b.quiet_hours or "off"), ("due texts", str(b.queue_depth)),
            ("oldest due", _when(b.oldest_due_at))]))  # fmt: skip
    if not beats:
        console.print("no SMS heartbeat yet: the SMS loop has never run on this store")
    for b in mail_beats:
        console.print(
            _beat_table(b, [("waiting e-mails", str(b.queue_depth)), ("waiting since", _when(b.oldest_due_at))])
        )
    if not mail_beats:
        console.print("no e-mail heartbeat yet: the mail loop has never run on this store")
    table = store.PlainTable("state", "texts", title="SMS outbox")
    for state, count in counts.items():
        style = "bold red" if state in ("unknown", "failed") and count else ""
        table.add_row(state, str(count), style=style)
    console.print(table)
    mail_table = store.PlainTable("state", "e-mails", title="E-mail outbox")
    for state, count in mail_counts.items():
        mail_table.add_row(state, str(count), style="bold red" if state in ("unknown", "failed") and count else "")
    console.print(mail_table)
    if problems:
        attention = store.PlainTable(
            "channel", "id", "case", "state", "attempts", "error", title="Needs a person (maybe sent / failed)"
        )
        for p in problems:
            attention.add_row(p.channel, str(p.id), store.format_number(p.number), p.state, str(p.attempts),
                              f"{p.error_code or ''} {p.last_error or ''}".strip())  # fmt: skip
        console.print(attention)
    return 0


def cmd_simulator(args: argparse.Namespace) -> int:
    from sms_modem.simulator import SimulatedModem

    # SIGTERM must unplug too: a device link left behind points at a pty number the system hands
    # out again, and a loop would then talk AT commands to somebody else's terminal.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    modem = SimulatedModem(directory=args.dir, pin=_pin()).start()
    print(f"simulated modem on {modem.path}", flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        modem.stop()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sms_modem", description=__doc__)
    parser.add_argument("--db", help="database URL (default: OKIENKO_DB)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_port(p: argparse.ArgumentParser) -> None:
        p.add_argument("--port", required=True, help="serial device, e.g. /dev/ttyUSB0")
        p.add_argument("--baud", type=int, default=115200)
        p.add_argument("--network-timeout", type=float, default=60.0)

    run = sub.add_parser("run", help="send due texts from the outbox")
    with_port(run)
    run.add_argument("--once", action="store_true", help="send what is due now and exit")
    run.add_argument("--quiet-hours", default="20:00-08:00", help="Europe/Warsaw, e.g. 20:00-08:00, or off")
    run.add_argument("--per-minute", type=_rate, default=8.0, help="send rate (0: as fast as the modem takes them)")
    run.add_argument("--portal-url", default=DEFAULT_PORTAL)
    run.add_argument("--prompt-timeout", type=float, default=5.0)
    run.add_argument("--body-timeout", type=float, default=35.0)
    run.add_argument("--lease-seconds", type=float, default=60.0,
                     help="how long a claimed text stays this loop's before another may take it")  # fmt: skip
    run.add_argument("--heartbeat-seconds", type=_heartbeat_seconds, default=30.0,
                     help="how often the loop writes its heartbeat (at most 60)")  # fmt: skip
    run.set_defaults(handler=cmd_run, needs_db=True)

    check = sub.add_parser("check", help="maker, model, signal, network, registration and SMSC")
    with_port(check)
    check.set_defaults(handler=cmd_check, needs_db=False)

    test = sub.add_parser("send-test", help="send one text to a number")
    with_port(test)
    test.add_argument("--to", required=True)
    test.add_argument("--lang", default="pl", choices=store.LANGUAGES)
    test.add_argument("--portal-url", default=DEFAULT_PORTAL)
    test.add_argument("--wait-report", type=float, default=0, help="seconds to wait for the delivery report")
    test.set_defaults(handler=cmd_send_test, needs_db=False)

    status = sub.add_parser(
        "status", help="the SMS and mail loops' heartbeats, outbox counts, and texts and e-mails that need a person"
    )
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status, needs_db=True)

    def with_mail(p: argparse.ArgumentParser) -> None:
        p.add_argument("--from", dest="sender", help="sender, e.g. 'PUW Gdańsk <powiadomienia@uw.gda.pl>' "
                       "(default: OKIENKO_MAIL_FROM)")  # fmt: skip
        p.add_argument("--portal-url", default=DEFAULT_PORTAL)

    mail = sub.add_parser("mail", help="send due e-mails through the SMTP relay named by OKIENKO_SMTP")
    with_mail(mail)
    mail.add_argument("--once", action="store_true", help="send what is due now and exit")
    mail.add_argument("--max-attempts", type=int, default=8, help="temporary refusals (4xx) before giving up")
    mail.add_argument("--retry-seconds", type=_rate, default=60.0,
                      help="wait after the first temporary refusal; doubles each time, at most an hour")  # fmt: skip
    mail.add_argument("--lease-seconds", type=float, default=60.0,
                      help="how long a claimed e-mail stays with this loop at least (5 × the relay's timeout if "
                      "longer); a loop killed mid-send leaves it due again after that")  # fmt: skip
    mail.set_defaults(handler=cmd_mail, needs_db=True)

    mail_test = sub.add_parser("mail-test", help="send one sample e-mail through the relay (no database)")
    with_mail(mail_test)
    mail_test.add_argument("--to", required=True)
    mail_test.add_argument("--lang", default="pl", choices=store.LANGUAGES)
    mail_test.add_argument("--kind", default="stage", choices=("stage", "message"))
    mail_test.add_argument("--office", default="Pomorski Urząd Wojewódzki w Gdańsku")
    mail_test.set_defaults(handler=cmd_mail_test, needs_db=False)

    sim = sub.add_parser("simulator", help="start a software modem on a pseudo-terminal")
    sim.add_argument("--dir", help="folder for the device link (default: a new temporary folder)")
    sim.set_defaults(handler=cmd_simulator, needs_db=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("gsmmodem").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    with store.exit_codes("error", usage_errors=(TextTooLong, SettingsError), unavailable_errors=(LinkDown,)) as failed:
        # Every setting first, whichever command: one service environment serves them all.
        store.check_settings(SMS_SETTINGS, db_url=args.db)
        if args.needs_db:
            store.open_current(args.db)
        return args.handler(args)
    return failed.code
