"""A software GSM modem on a pseudo-terminal: a demo without hardware, and the test peer.

It speaks what python-gsmmodem-new uses to connect and send in PDU mode (echo until ATE0,
+CLAC, +CPIN, +CREG, +CSQ, +COPS, +CSCA, +CPMS, +CNMI, AT+CMGS=<len> with the "> "
prompt, Ctrl-Z to send and ESC to cancel), answers +CMGS with a message reference, sends
+CDS status reports, and logs every SMS it receives, decoded from its PDU. Fault switches:
a +CMS error, silence, a late answer, a non-UTF-8 byte, and pulling the plug.

The device path is a symlink that stays the same when the plug is put back, like
/dev/ttyUSB0 does for a real USB modem.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import pty
import select
import tempfile
import threading
import time
import tty
from pathlib import Path

from gsmmodem.pdu import _encodeAddressField, _encodeTimestamp, decodeSmsPdu
from gsmmodem.util import SimpleOffsetTzInfo

log = logging.getLogger("okienko.simulator")

CLAC = (
    "+CLAC: +CGMI,+CGMM,+CGMR,+CGSN,+CIMI,+COPS,+CSQ,+CREG,+CMGF,+CSCA,+CSMP,+CPMS,+CNMI,+CMGS,+CMGR,+CMGD,"
    "+CMGL,+CSCS,+CLIP,+CRC,+CVHU,+CFUN,+CMEE,+CPIN"
)
CTRL_Z, ESC = 0x1A, 0x1B
# Questions with one answer line that never changes (once the SIM is unlocked: the network ones need it).
FIXED_ANSWERS = {
    "AT+CLAC": CLAC,
    "AT+CGMI": "Okienko",
    "AT+CGMM": "Simulated GSM modem",
    "AT+CGMR": "1.0",
    "AT+CGSN": "356938035643809",
    "AT+CIMI": "260030000000001",
    "AT+CSQ": "+CSQ: 21,99",
    "AT+CREG?": "+CREG: 0,1",
    "AT+COPS?": '+COPS: 0,0,"Orange PL",7',
    "AT+CPMS=?": '+CPMS: ("ME","SM","SR"),("ME","SM"),("ME","SM")',
}
SETTINGS_ACCEPTED = ("AT+CMEE", "AT+CFUN=", "AT+COPS=", "AT+CMGF", "AT+CSMP", "AT+CNMI", "AT+CLIP", "AT+CRC",
                     "AT+CVHU", "AT+CSCS=")  # fmt: skip


@dataclasses.dataclass
class Faults:
    """Switches, changed while the simulator runs (tests flip them from another thread)."""

    cms_error: int | None = None  # answer the next sends with +CMS ERROR: <code>
    cms_error_count: int = 0  # how many sends get it (0: every one while set)
    silent_after_body: int = 0  # take this many texts and never answer (the "maybe sent" case)
    silent_prompt: bool = False  # never give the "> " prompt
    late_answer_s: float = 0.0  # answer +CMGS only after this long
    noise_before_answer: bool = False  # a non-UTF-8 byte before the next answer (once)
    delivery_reports: bool = True
    delivery_delay_s: float = 0.05
    delivery_fails: bool = False
    separate_report_lines: bool = False  # send +CDS header and PDU in two writes
    report_gap_s: float = 0.05  # between the two writes; long enough that a busy reader sees them apart
    bare_cfun_answers: int = 0  # answer this many AT+CFUN? with OK alone (out of step after a lost link)


@dataclasses.dataclass(frozen=True)
class ReceivedSms:
    number: str
    text: str
    reference: int
    at: dt.datetime


class SimulatedModem:
    def __init__(self, directory: str | None = None, smsc: str = "+48601000310", pin: str | None = None) -> None:
        self.directory = Path(directory or tempfile.mkdtemp(prefix="okienko-modem-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = str(self.directory / "ttyGSM0")
        self.smsc, self.pin = smsc, pin
        self.faults = Faults()
        self.received: list[ReceivedSms] = []
        self.commands: list[str] = []
        self._lock = threading.Lock()
        self._master: int | None = None
        self._slave: int | None = None
        self._thread: threading.Thread | None = None
        self._running = False
        self._echo = True
        self._reference = 0
        self._sim_unlocked = pin is None

    # ------------------------------------------------------------------ plug

    def start(self) -> SimulatedModem:
        self.plug_in()
        return self

    def plug_in(self) -> None:
        master, slave = pty.openpty()
        tty.setraw(master)
        self._master, self._slave = master, slave
        link = Path(self.path)
        link.unlink(missing_ok=True)
        link.symlink_to(os.ttyname(slave))
        self._echo = True
        self._running = True
        self._thread = threading.Thread(target=self._serve, name="simulated-modem", daemon=True)
        self._thread.start()
        log.info("modem plugged in at %s (%s)", self.path, os.ttyname(slave))

    def unplug(self) -> None:
        """Like pulling the USB cable: the device disappears under whoever has it open."""
        self._running = False
        if self._thread:
            self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = None
        Path(self.path).unlink(missing_ok=True)
        log.info("modem unplugged")

    def stop(self) -> None:
        self.unplug()

    # ------------------------------------------------------------------ io

    def _send(self, data: bytes) -> None:
        if self._master is not None:
            with contextlib.suppress(OSError):
                os.write(self._master, data)

    def _line(self, text: str) -> None:
        self._send(b"\r\n" + text.encode() + b"\r\n")

    def _serve(self) -> None:
        buffer = bytearray()
        pending_pdu_length: int | None = None
        while self._running:
            try:
                ready, _, _ = select.select([self._master], [], [], 0.1)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 4096)
            except OSError:
                continue  # nobody has the port open yet
            buffer.extend(chunk)
            while True:
                if pending_pdu_length is not None:
                    end = next((i for i, b in enumerate(buffer) if b in (CTRL_Z, ESC)), None)
                    newline = buffer.find(b"\r")
                    if newline >= 0 and (end is None or newline < end):
                        # A PDU is hex digits only: a command line here means its sender died
                        # mid-text (as a killed loop does). Drop the text, read the command.
                        start = buffer.rfind(b"AT", 0, newline)
                        del buffer[: max(start, 0)]
                        pending_pdu_length = None
                        continue
                    if end is None:
                        break
                    body, terminator = bytes(buffer[:end]), buffer[end]
                    del buffer[: end + 1]
                    pending_pdu_length = None
                    if terminator == ESC:
                        self._line("OK")
                    else:
                        self._take_sms(body.decode("ascii", "replace").strip())
                    continue
                end = buffer.find(b"\r")
                if end < 0:
                    break
                command = buffer[:end].decode("ascii", "replace").strip()
                del buffer[: end + 1]
                if buffer[:1] == b"\n":
                    del buffer[:1]
                if not command:
                    continue
                if self._echo:
                    self._send(command.encode() + b"\r")
                pending_pdu_length = self._answer(command)

    def _answer(self, command: str) -> int | None:
        """Answer one AT command; returns the PDU length when a text is to follow."""
        self.commands.append(command)
        upper = command.upper()

        def ok(*lines: str) -> None:
            for line in (*lines, "OK"):
                self._line(line)

        if upper == "ATE0":
            self._echo = False
            return ok()
        if upper == "AT+CSCS?":
            return ok('+CSCS: "GSM"')
        if upper == "AT+CSCS=?":
            return ok('+CSCS: ("GSM","UCS2","IRA")')
        if upper == "ATZ":
            self._echo = True  # a reset restores the profile, echo included
            return ok()
        if upper == "AT" or upper.startswith(SETTINGS_ACCEPTED):
            return ok()
        if upper == "AT+CFUN?":
            if self.faults.bare_cfun_answers:
                self.faults.bare_cfun_answers -= 1
                return ok()
            return ok("+CFUN: 1")
        if upper == "AT+CPIN?":
            return ok("+CPIN: READY" if self._sim_unlocked else "+CPIN: SIM PIN")
        if upper.startswith("AT+CPIN="):
            if command.split("=", 1)[1].strip('"') == self.pin:
                self._sim_unlocked = True
                return ok()
            self._line("+CME ERROR: 16")
            return None
        if not self._sim_unlocked and upper.startswith(("AT+CMGS", "AT+CREG", "AT+COPS?")):
            self._line("+CME ERROR: 11")
            return None
        if upper in FIXED_ANSWERS:
            return ok(FIXED_ANSWERS[upper])
        if upper == "AT+CSCA?":
            return ok(f'+CSCA: "{self.smsc}",145')
        if upper.startswith("AT+CSCA="):
            return ok()
        if upper.startswith("AT+CPMS="):
            return ok("+CPMS: 0,50,0,50,0,50")
        if upper.startswith("AT+CMGS="):
            if self.faults.silent_prompt:
                return None
            self._send(b"\r\n> ")
            return int(command.split("=", 1)[1])
        self._line("ERROR")
        return None

    def _take_sms(self, pdu_hex: str) -> None:
        faults = self.faults
        if faults.silent_after_body:
            faults.silent_after_body -= 1
            self._record(pdu_hex)  # it did go out; the answer never comes
            return
        if faults.cms_error is not None:
            code = faults.cms_error
            if faults.cms_error_count:
                faults.cms_error_count -= 1
                if faults.cms_error_count == 0:
                    faults.cms_error = None
            self._line(f"+CMS ERROR: {code}")
            return
        sms = self._record(pdu_hex)
        if faults.late_answer_s:
            time.sleep(faults.late_answer_s)
        if faults.noise_before_answer:
            faults.noise_before_answer = False
            self._send(b"\r\n\xff\xfe\xfd line noise\r\n")
        self._send(f"\r\n+CMGS: {sms.reference}\r\n\r\nOK\r\n".encode())
        if faults.delivery_reports:
            threading.Timer(faults.delivery_delay_s, self._report, args=(sms,)).start()

    def _record(self, pdu_hex: str) -> ReceivedSms:
        decoded = decodeSmsPdu(pdu_hex)
        with self._lock:
            self._reference = (self._reference + 1) % 256
            sms = ReceivedSms(decoded["number"], decoded["text"], self._reference, dt.datetime.now(dt.UTC))
            self.received.append(sms)
        log.info("SMS to %s (ref %d, %d chars): %s", sms.number, sms.reference, len(sms.text), sms.text)
        return sms

    def _report(self, sms: ReceivedSms) -> None:
        now = dt.datetime.now(SimpleOffsetTzInfo(0))
        tpdu = bytearray([0x06, sms.reference])  # SMS-STATUS-REPORT, TP-MR
        tpdu.extend(_encodeAddressField(sms.number))
        tpdu.extend(_encodeTimestamp(now))
        tpdu.extend(_encodeTimestamp(now))
        tpdu.append(0x40 if self.faults.delivery_fails else 0x00)  # TP-ST: permanent failure / delivered
        pdu = b"\x00" + bytes(tpdu)  # no SMSC field
        header = f"+CDS: {len(tpdu)}".encode()
        body = pdu.hex().upper().encode()
        if self.faults.separate_report_lines:
            self._send(b"\r\n" + header + b"\r\n")
            time.sleep(self.faults.report_gap_s)
            self._send(body + b"\r\n")
        else:
            self._send(b"\r\n" + header + b"\r\n" + body + b"\r\n")
